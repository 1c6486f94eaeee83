using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// Plain connections to the Sink's database for readers outside the store (the views, the report). A read-only
/// SQLite connection fails on a missing file instead of creating an empty one.
/// </summary>
public static class DatabaseConnections
{
    public static DbConnection Create(DatabaseOptions options, bool readOnly = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Provider.ToLowerInvariant() switch
        {
            DatabaseProviders.Sqlite => new SqliteConnection(readOnly
                ? new SqliteConnectionStringBuilder(options.ConnectionString) { Mode = SqliteOpenMode.ReadOnly }.ToString()
                : options.ConnectionString),
            DatabaseProviders.Postgres => new NpgsqlConnection(options.ConnectionString),
            _ => throw DatabaseProviders.Unsupported(options.Provider),
        };
    }
}
