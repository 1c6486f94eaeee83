using EasyHard.Sink.Persistence;
using Npgsql;

namespace EasyHard.Sink.Tests.Persistence;

/// <summary>
/// A fresh schema in the test PostgreSQL per test class, so runs and classes never see each other's rows. The
/// server comes from <c>EASYHARD_TEST_POSTGRES</c>; a missing server is a failure, never a skip.
/// </summary>
internal sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string EnvironmentVariable = "EASYHARD_TEST_POSTGRES";

    private readonly string _adminConnectionString;

    private PostgresTestDatabase(string adminConnectionString, string schema, string connectionString)
    {
        _adminConnectionString = adminConnectionString;
        Schema = schema;
        ConnectionString = connectionString;
    }

    public string Schema { get; }

    /// <summary>Connection string whose search path is the fresh schema.</summary>
    public string ConnectionString { get; }

    /// <summary>The Sink's database options for <see cref="ConnectionString"/>.</summary>
    public DatabaseOptions Options => new() { Provider = DatabaseProviders.Postgres, ConnectionString = ConnectionString };

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        var baseConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(baseConnectionString))
        {
            Assert.Fail(
                $"{EnvironmentVariable} is not set. The PostgreSQL tests need a server: run "
                + "`eval \"$(scripts/postgres.sh start)\"` from the repository root (it starts a throwaway PostgreSQL 15 on "
                + "127.0.0.1:55432 and exports the variable), then run the tests again.");
        }

        var schema = "easyhard_test_" + Guid.NewGuid().ToString("N");
        await using (var admin = NpgsqlDataSource.Create(baseConnectionString!))
        await using (var command = admin.CreateCommand($"CREATE SCHEMA \"{schema}\""))
        {
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(baseConnectionString) { SearchPath = schema };
        return new PostgresTestDatabase(baseConnectionString!, schema, builder.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = NpgsqlDataSource.Create(_adminConnectionString);
        await using var command = admin.CreateCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}
