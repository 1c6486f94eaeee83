using EasyHard.Core.Configuration;
using EasyHard.Sink.Persistence;
using Microsoft.Data.Sqlite;

namespace EasyHard.Host.Commands;

/// <summary>
/// <c>--database provider:connection</c>: <c>sqlite:data/demo/easyhard.db</c> (a file, or a SQLite connection string)
/// or <c>postgres:Host=db;Username=easyhard;Database=easyhard</c>.
/// </summary>
internal static class DatabaseArgument
{
    public const string Example = "sqlite:data/demo/easyhard.db or postgres:Host=localhost;Username=easyhard;Database=easyhard";

    /// <exception cref="ConfigurationErrorException">Not provider:connection, an unknown provider, or no such SQLite file.</exception>
    public static DatabaseOptions Parse(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var provider = colon > 0 ? text[..colon].Trim().ToLowerInvariant() : "";
        var connection = colon > 0 ? text[(colon + 1)..].Trim() : "";
        if (!DatabaseProviders.IsKnown(provider) || connection.Length == 0)
        {
            throw new ConfigurationErrorException(
                $"--database '{text}' is not provider:connection with provider {string.Join(" or ", DatabaseProviders.All)} (e.g. {Example}).");
        }

        if (provider == DatabaseProviders.Postgres)
        {
            return new DatabaseOptions { Provider = provider, ConnectionString = connection };
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connection.Contains('=', StringComparison.Ordinal) ? connection : $"Data Source={connection}");
        }
        catch (ArgumentException e)
        {
            throw new ConfigurationErrorException($"--database '{text}': {e.Message}");
        }

        if (!File.Exists(builder.DataSource))
        {
            throw new ConfigurationErrorException($"--database '{text}': no SQLite file at {Path.GetFullPath(builder.DataSource)}.");
        }

        return new DatabaseOptions { Provider = provider, ConnectionString = builder.ToString() };
    }
}
