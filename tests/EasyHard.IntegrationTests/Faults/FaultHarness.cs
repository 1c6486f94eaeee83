using System.Data.Common;
using Dapper;
using EasyHard.Bench.Common;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.IntegrationTests.Infrastructure;
using EasyHard.IntegrationTests.Pipeline;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>
/// One fault scenario's world: its own mock Kafka cluster, a pipeline on its own topics, and its own SQL database
/// (a SQLite file, or a schema of a PostgreSQL server). The producer is paced so that faults strike mid-stream.
/// </summary>
internal sealed class FaultHarness : IAsyncDisposable
{
    public const int Count = 3000;
    public const double ProducerRate = 600;

    private readonly Func<DbConnection> _connect;
    private readonly Func<Task> _dropDatabase;

    private FaultHarness(string name, string[] databaseConfig, Func<DbConnection> connect, Func<Task> dropDatabase, string[] extraConfig)
    {
        _connect = connect;
        _dropDatabase = dropDatabase;
        Run = new PipelineRun(Cluster, name, [.. databaseConfig, .. extraConfig]);
    }

    public EmbeddedKafkaCluster Cluster { get; } = new();

    public PipelineRun Run { get; }

    public static FaultHarness WithSqlite(string name, params string[] extraConfig)
    {
        var file = Path.Combine(Path.GetTempPath(), $"easyhard-fault-{Guid.NewGuid():N}.db");
        return new FaultHarness(name,
            ["--Sink:Database:Provider=sqlite", $"--Sink:Database:ConnectionString=Data Source={file}"],
            () => new SqliteConnection($"Data Source={file}"),
            () =>
            {
                SqliteConnection.ClearAllPools();
                File.Delete(file);
                return Task.CompletedTask;
            },
            extraConfig);
    }

    /// <summary>A fresh schema on the server at <paramref name="connectionString"/>, dropped at the end.</summary>
    public static async Task<FaultHarness> WithPostgresAsync(string name, string connectionString, params string[] extraConfig)
    {
        var schema = $"fault_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.ExecuteAsync($"CREATE SCHEMA {schema}");
        }

        var scoped = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema, Timeout = 5 }.ToString();
        return new FaultHarness(name,
            ["--Sink:Database:Provider=postgres", $"--Sink:Database:ConnectionString={scoped}"],
            () => new NpgsqlConnection(scoped),
            async () =>
            {
                NpgsqlConnection.ClearAllPools();
                try
                {
                    await using var admin = new NpgsqlConnection(connectionString);
                    await admin.ExecuteAsync($"DROP SCHEMA IF EXISTS {schema} CASCADE");
                }
                catch (NpgsqlException)
                {
                    // The scenario's server is down (it failed mid-outage); its schema goes with its directory.
                }
            },
            extraConfig);
    }

    public static string TestPostgres => Environment.GetEnvironmentVariable("EASYHARD_TEST_POSTGRES")
        ?? throw new InvalidOperationException("EASYHARD_TEST_POSTGRES is not set: run `eval \"$(scripts/postgres.sh start)\"` first (test.sh does).");

    /// <summary>Starts producing <see cref="Count"/> valid samples (plus 1 % malformed) at a steady pace.</summary>
    public Task<IReadOnlyList<string>> ProduceAsync(int seed, double rate = ProducerRate) => ProduceAsync(seed, Count, "id", rate);

    /// <summary>Produces <paramref name="count"/> valid samples (plus 1 % malformed) whose ids start with <paramref name="idPrefix"/>.</summary>
    public async Task<IReadOnlyList<string>> ProduceAsync(int seed, int count, string idPrefix, double rate = ProducerRate)
    {
        var (samples, _) = await Run.ProduceAsync(count, 0.01, seed, idPrefix, rate);
        return samples.Select(s => s.Id).ToList();
    }

    /// <summary>
    /// Starts every role, starts producing, and returns once a fifth of the stream is stored: the moment to strike.
    /// The returned task completes with the valid ids when the producer is done.
    /// </summary>
    public async Task<Task<IReadOnlyList<string>>> StartMidStreamAsync(int seed, double rate = ProducerRate)
    {
        await Run.StartAsync();
        var producing = ProduceAsync(seed, rate);
        await WaitForStoredAsync(Count / 5, TimeSpan.FromMinutes(2));
        return producing;
    }

    public async Task<long> StoredAsync()
    {
        try
        {
            await using var connection = _connect();
            return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample_scores");
        }
        catch (DbException)
        {
            // The table does not exist yet (migrations run at start) or the database is down in this scenario.
            return 0;
        }
    }

    public Task WaitForStoredAsync(long atLeast, TimeSpan deadline) => ExplainTimeoutAsync(() =>
        Eventually.WaitUntilAsync(async () => await StoredAsync() >= atLeast, deadline, () => $"{atLeast} rows stored"));

    /// <summary>Waits until SQL holds as many rows as ids and the trainer stream has committed as many records.</summary>
    public Task WaitForAllAsync(IReadOnlyCollection<string> ids) => ExplainTimeoutAsync(async () =>
    {
        await Eventually.WaitUntilAsync(async () => await StoredAsync() >= ids.Count, TimeSpan.FromMinutes(2), () => $"{ids.Count} rows stored");
        // Every id, not as many records: the mock shows aborted batches to read_committed readers, and their repeats
        // once let the count reach the ids' while the last batch was still uncommitted (then stopped, never redone).
        await Eventually.WaitUntilAsync(() => Task.FromResult(TrainerStreamIds().ToHashSet().IsSupersetOf(ids)), TimeSpan.FromMinutes(2),
            () => $"every one of the {ids.Count} ids committed on the trainer stream");
    });

    /// <summary>A scenario that times out says what the running instance and every partition looked like.</summary>
    private async Task ExplainTimeoutAsync(Func<Task> wait)
    {
        try
        {
            await wait();
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} ({await StoredAsync()} rows stored)\nhealth of the running instance: {await HealthAsync()}\n"
                + $"partitions (high watermark, read_committed end):\n{DescribePartitions()}", e);
        }
    }

    public string DescribePartitions() =>
        PartitionStates.Describe(Cluster.BootstrapServers, Run.Topics.Options.All(), TimeSpan.FromSeconds(10));

    /// <summary>Every health check's status and description (a role that retries says what fails).</summary>
    public Task<string> HealthAsync() => HealthOfAsync(Run.App);

    public static async Task<string> HealthOfAsync(Microsoft.AspNetCore.Builder.WebApplication? app)
    {
        if (app is null)
        {
            return "not running";
        }

        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return string.Join("; ", report.Entries.Select(e => $"{e.Key}={e.Value.Status} {e.Value.Description}"));
    }

    /// <summary>Keys of every committed record on <c>easyhard.weighted</c> and the quarantine topic.</summary>
    public List<string> TrainerStreamIds()
    {
        var topics = Run.Topics.Options;
        return Run.Read(topics.Weighted).Concat(Run.Read(topics.Quarantine)).Select(IdOf).OfType<string>().ToList();
    }

    /// <summary>Every role keys its output records by sample id (a malformed input record may have no key).</summary>
    public static string? IdOf(Confluent.Kafka.ConsumeResult<byte[], byte[]> record) =>
        record.Message.Key is null ? null : System.Text.Encoding.UTF8.GetString(record.Message.Key);

    public async Task<IReadOnlyList<string>> StoredIdsAsync()
    {
        await using var connection = _connect();
        return (await connection.QueryAsync<string>("SELECT sample_id FROM sample_scores")).ToList();
    }

    public async Task<IReadOnlyList<string>> ReexposedIdsAsync()
    {
        await using var connection = _connect();
        return (await connection.QueryAsync<string>("SELECT sample_id FROM sample_scores WHERE exposures <> 1")).ToList();
    }

    public async Task<long> RowsWithExposuresAboveOneAsync()
    {
        await using var connection = _connect();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample_scores WHERE exposures <> 1");
    }

    public async ValueTask DisposeAsync()
    {
        await Run.DisposeAsync();
        Cluster.Dispose();
        await _dropDatabase();
    }
}
