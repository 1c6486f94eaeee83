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
}
