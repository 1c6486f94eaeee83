using System.Globalization;
using System.Text;
using Dapper;
using EasyHard.Contracts;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EasyHard.IntegrationTests.Pipeline;

/// <summary>
/// The whole pipeline on librdkafka's mock cluster: 5,000 samples with 2 % malformed records through all three
/// roles. Every valid id must arrive exactly once in SQL and on the trainer stream; every malformed record in the DLQ.
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private const int Count = 5000;
    private readonly EmbeddedKafkaCluster _cluster = new();

    [Fact]
    public async Task FiveThousandSamples_ThroughAllRoles_ToSqlite_ExactlyOnceAndMalformedDeadLettered()
    {
        var database = Path.Combine(Path.GetTempPath(), $"easyhard-it-{Guid.NewGuid():N}.db");
        await using var run = new PipelineRun(_cluster, "e2e-sqlite", ["--Sink:Database:Provider=sqlite", $"--Sink:Database:ConnectionString=Data Source={database}"]);
        await run.StartAsync();
        var (samples, malformed) = await run.ProduceAsync(Count, 0.02, seed: 11, idPrefix: "s");

        await using var connection = new SqliteConnection($"Data Source={database}");
        await Eventually.WaitUntilAsync(async () => await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample_scores") >= Count,
            TimeSpan.FromMinutes(3), () => "all rows in SQLite");
        await run.StopAsync();

        var ids = (await connection.QueryAsync<string>("SELECT sample_id FROM sample_scores")).ToList();
        AssertExactlyOnce(samples.Select(s => s.Id), ids, "SQLite");
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample_scores WHERE exposures <> 1"));
        AssertTrainerStreamAndDeadLetters(run, samples.Select(s => s.Id).ToList(), malformed);
    }

    [Fact]
    public async Task FiveThousandSamples_ThroughAllRoles_ToPostgres_ExactlyOnce()
    {
        var connectionString = Environment.GetEnvironmentVariable("EASYHARD_TEST_POSTGRES")
            ?? throw new InvalidOperationException("EASYHARD_TEST_POSTGRES is not set: run `eval \"$(scripts/postgres.sh start)\"` first (test.sh does).");
        var schema = $"it_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(connectionString))
        {
            await admin.ExecuteAsync($"CREATE SCHEMA {schema}");
        }

        var scoped = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ToString();
        await using var run = new PipelineRun(_cluster, "e2e-pg", ["--Sink:Database:Provider=postgres", $"--Sink:Database:ConnectionString={scoped}"]);
        await run.StartAsync();
        var (samples, malformed) = await run.ProduceAsync(Count, 0.02, seed: 12, idPrefix: "p");

        await using var connection = new NpgsqlConnection(scoped);
        await Eventually.WaitUntilAsync(async () => await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample_scores") >= Count,
            TimeSpan.FromMinutes(3), () => "all rows in PostgreSQL");
        await run.StopAsync();

        var ids = (await connection.QueryAsync<string>("SELECT sample_id FROM sample_scores")).ToList();
        AssertExactlyOnce(samples.Select(s => s.Id), ids, "PostgreSQL");
        AssertTrainerStreamAndDeadLetters(run, samples.Select(s => s.Id).ToList(), malformed);
        await connection.ExecuteAsync($"DROP SCHEMA {schema} CASCADE");
    }

    [Fact]
    public async Task Scorer_StoppedAndRestarted_ResumesFromCheckpoint()
    {
        var database = Path.Combine(Path.GetTempPath(), $"easyhard-it-{Guid.NewGuid():N}.db");
        await using var run = new PipelineRun(_cluster, "e2e-restart", ["--Sink:Database:Provider=sqlite", $"--Sink:Database:ConnectionString=Data Source={database}"]);
        await using var connection = new SqliteConnection($"Data Source={database}");

        await run.StartAsync();
        await run.ProduceAsync(1500, 0, seed: 21, idPrefix: "first");
        await Eventually.WaitUntilAsync(async () => File.Exists(database) && await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample_scores") >= 1500,
            TimeSpan.FromMinutes(2), () => "first half stored");
        await run.StopAsync();
        Assert.True(File.Exists(run.CheckpointPath), "the scorer writes its checkpoint when it stops");
        var versionBeforeRestart = await connection.ExecuteScalarAsync<long>("SELECT MAX(model_version) FROM sample_scores");

        await run.StartAsync();
        await run.ProduceAsync(1500, 0, seed: 22, idPrefix: "second");
        await Eventually.WaitUntilAsync(async () => await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample_scores") >= 3000,
            TimeSpan.FromMinutes(2), () => "second half stored");
        await run.StopAsync();

        // A restored proxy keeps counting model versions and is past warm-up; a fresh one would start at 0, warming.
        var firstAfterRestart = await connection.ExecuteScalarAsync<long>("SELECT MIN(model_version) FROM sample_scores WHERE sample_id LIKE 'second-%'");
        Assert.True(firstAfterRestart >= versionBeforeRestart, $"model_version after restart {firstAfterRestart} < before {versionBeforeRestart}");
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sample_scores WHERE sample_id LIKE 'second-%' AND warming = 1"));
    }

    private static void AssertExactlyOnce(IEnumerable<string> expected, IReadOnlyList<string> actual, string where)
    {
        var duplicates = actual.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).Take(5).ToList();
        Assert.True(duplicates.Count == 0, $"{where}: duplicated ids {string.Join(", ", duplicates)}");
        var missing = expected.Except(actual).Take(5).ToList();
        Assert.True(missing.Count == 0, $"{where}: missing ids {string.Join(", ", missing)}");
        Assert.Equal(expected.Count(), actual.Count);
    }

    private static void AssertTrainerStreamAndDeadLetters(PipelineRun run, IReadOnlyList<string> validIds, long malformed)
    {
        // Quarantined samples go to the quarantine topic instead of the trainer stream: together, each id once.
        var trainer = run.Read(run.Topics.Options.Weighted).Concat(run.Read(run.Topics.Options.Quarantine)).ToList();
        AssertExactlyOnce(validIds, trainer.Select(r => Encoding.UTF8.GetString(r.Message.Key)).ToList(), "easyhard.weighted + quarantine");
        foreach (var record in trainer)
        {
            foreach (var header in PipelineRun.TrainerHeaders)
            {
                var text = PipelineRun.HeaderText(record, header);
                Assert.True(double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) || header == HeaderNames.Bucket,
                    $"header {header} = '{text}' is not an ASCII decimal");
            }

            Assert.Contains(PipelineRun.HeaderText(record, HeaderNames.Bucket), new[] { "easy", "medium", "hard", "warming" });
        }

        var deadLetters = run.Read(run.Topics.Options.DeadLetter);
        Assert.Equal(malformed, deadLetters.Count);
        Assert.True(malformed >= Count * 0.01, $"the run should include malformed records, had {malformed}");
        Assert.All(deadLetters, d => Assert.False(string.IsNullOrWhiteSpace(PipelineRun.HeaderText(d, HeaderNames.Error))));
        Assert.All(deadLetters, d => Assert.Equal(run.Topics.Options.Input, PipelineRun.HeaderText(d, HeaderNames.SourceTopic)));
    }

    public void Dispose() => _cluster.Dispose();
}
