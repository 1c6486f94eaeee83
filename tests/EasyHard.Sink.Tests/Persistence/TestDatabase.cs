using EasyHard.Sink.Persistence;
using Microsoft.Data.Sqlite;

namespace EasyHard.Sink.Tests.Persistence;

/// <summary>A fresh, empty database of either provider: a SQLite file in a temporary directory, or a PostgreSQL schema.</summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private readonly Func<ValueTask> _dispose;

    private TestDatabase(DatabaseOptions options, Func<ValueTask> dispose)
    {
        Options = options;
        _dispose = dispose;
    }

    public DatabaseOptions Options { get; }

    public static async Task<TestDatabase> CreateAsync(string provider)
    {
        if (provider == DatabaseProviders.Postgres)
        {
            var postgres = await PostgresTestDatabase.CreateAsync();
            return new TestDatabase(postgres.Options, postgres.DisposeAsync);
        }

        var directory = Directory.CreateTempSubdirectory("easyhard-sink-db-").FullName;
        return new TestDatabase(
            new DatabaseOptions { Provider = DatabaseProviders.Sqlite, ConnectionString = $"Data Source={Path.Combine(directory, "easyhard.db")}" },
            () =>
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(directory, recursive: true);
                return ValueTask.CompletedTask;
            });
    }

    public ValueTask DisposeAsync() => _dispose();
}
