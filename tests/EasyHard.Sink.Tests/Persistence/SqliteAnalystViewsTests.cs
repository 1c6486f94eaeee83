using EasyHard.Sink.Persistence;

namespace EasyHard.Sink.Tests.Persistence;

public sealed class SqliteAnalystViewsTests : AnalystViewsTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "easyhard-views-tests-" + Guid.NewGuid().ToString("N"));

    protected override Task<DatabaseOptions> CreateDatabaseAsync() => Task.FromResult(new DatabaseOptions
    {
        Provider = DatabaseProviders.Sqlite,
        ConnectionString = $"Data Source={Path.Combine(_directory, "views.db")}",
    });

    protected override Task DisposeDatabaseAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
