using EasyHard.Sink.Persistence;

namespace EasyHard.Sink.Tests.Persistence;

/// <summary>Needs a PostgreSQL server: <c>eval "$(scripts/postgres.sh start)"</c>.</summary>
public sealed class PostgresAnalystViewsTests : AnalystViewsTests
{
    private PostgresTestDatabase? _database;

    protected override async Task<DatabaseOptions> CreateDatabaseAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync();
        return _database.Options;
    }

    protected override async Task DisposeDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
