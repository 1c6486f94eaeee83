using Confluent.Kafka;
using EasyHard.Contracts.V1;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.Host.Composition;
using EasyHard.IntegrationTests.Infrastructure;
using EasyHard.IntegrationTests.Pipeline;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>
/// A role that retries the same batch without end makes every step short, so only the absence of commits shows it is
/// not making progress: <c>/health/live</c> must fail after <c>Delivery:StallTimeoutMs</c> and recover once the batch
/// commits. Here the Sink's SQLite file is held by another writer, so every write of the batch times out and is retried.
/// </summary>
public sealed class StallLivenessTests
{
    [Fact]
    public async Task BatchRetriedWithoutCommit_FailsLiveness_AfterTheStallBound_AndRecovers()
    {
        var file = Path.Combine(Path.GetTempPath(), $"easyhard-stall-{Guid.NewGuid():N}.db");
        using var cluster = new EmbeddedKafkaCluster();
        await using var run = new PipelineRun(cluster, "stall",
        [
            "--Sink:Database:Provider=sqlite", $"--Sink:Database:ConnectionString=Data Source={file}",
            "--Sink:Database:CommandTimeoutSeconds=1", "--Delivery:StallTimeoutMs=10000",
        ]);
        try
        {
            await run.StartAsync(Roles.Sink);
            Produce(cluster, run.Topics.Options.Scored, "before", 20);
            await Eventually.WaitUntilAsync(() => Task.FromResult(Stored(file) >= 20), TimeSpan.FromSeconds(60), () => "20 rows stored");
            Assert.Contains("stuck=Healthy no role stuck", await FaultHarness.HealthOfAsync(run.App), StringComparison.Ordinal);

            await using (var holder = new SqliteConnection($"Data Source={file}"))
            {
                holder.Open();
                using (var begin = holder.CreateCommand())
                {
                    begin.CommandText = "BEGIN EXCLUSIVE;";
                    begin.ExecuteNonQuery();
                }

                Produce(cluster, run.Topics.Options.Scored, "during", 20);
                var health = "";
                await Eventually.WaitUntilAsync(async () =>
                {
                    health = await FaultHarness.HealthOfAsync(run.App);
                    return health.Contains("stuck=Unhealthy", StringComparison.Ordinal);
                }, TimeSpan.FromSeconds(60), () => $"/health/live fails while the Sink cannot commit (last: {health})");
                Assert.Contains("sink has committed nothing for", health, StringComparison.Ordinal);

                using var rollback = holder.CreateCommand();
                rollback.CommandText = "ROLLBACK;";
                rollback.ExecuteNonQuery();
            }

            await Eventually.WaitUntilAsync(() => Task.FromResult(Stored(file) >= 40), TimeSpan.FromSeconds(60), () => "40 rows stored");
            await Eventually.WaitUntilAsync(async () => (await FaultHarness.HealthOfAsync(run.App)).Contains("stuck=Healthy", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), () => "/health/live healthy again once the batch committed");
        }
        finally
        {
            await run.StopAsync();
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    private static long Stored(string file)
    {
        try
        {
            using var connection = new SqliteConnection($"Data Source={file};Mode=ReadOnly");
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM sample_scores";
            return (long)count.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            // Not migrated yet.
            return 0;
        }
    }

    private static void Produce(EmbeddedKafkaCluster cluster, string topic, string prefix, int count)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        for (var i = 0; i < count; i++)
        {
            var id = $"{prefix}-{i}";
            var features = Enumerable.Range(0, PipelineRun.Dimension).Select(f => f * 0.1f);
            var scored = new ScoredSample
            {
                Canonical = new CanonicalSample
                {
                    Sample = new TrainingSample { Id = id, Label = 3, Features = { features } },
                    OriginalPayload = ByteString.CopyFromUtf8($$"""{"id":"{{id}}","label":3}"""),
                    ContentType = Contracts.ContentTypes.Json,
                    Origin = new Origin { Topic = "in", Partition = 0, Offset = i, TimestampUnixMs = 1_700_000_000_000 },
                },
                Scores = new Scores { Loss = 1, SelfConfidence = 0.5f, Difficulty = 0.5f, Noise = 0.1f },
                Weight = 1,
            };
            producer.Produce(topic, new Message<byte[], byte[]> { Key = System.Text.Encoding.UTF8.GetBytes(id), Value = scored.ToByteArray() });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }
}
