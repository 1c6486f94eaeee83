namespace EasyHard.Sink.Persistence;

/// <summary>Accepted values of <c>Sink:Database:Provider</c>.</summary>
public static class DatabaseProviders
{
    /// <summary>A local SQLite file: the embedded default.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>PostgreSQL through Npgsql: production.</summary>
    public const string Postgres = "postgres";

    public static IReadOnlyList<string> All { get; } = [Sqlite, Postgres];

    public static bool IsKnown(string? provider) =>
        All.Contains(provider, StringComparer.OrdinalIgnoreCase);

    /// <summary>The error for a provider that is not one of <see cref="All"/>, naming the key and the choices.</summary>
    public static InvalidOperationException Unsupported(string? provider) =>
        new($"Sink:Database:Provider: '{provider}' is not supported; use one of: {string.Join(", ", All)}.");
}
