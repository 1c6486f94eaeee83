using System.Text;
using Confluent.Kafka;
using EasyHard.Bench.Chaos;
using EasyHard.Contracts.V1;
using EasyHard.Host.Composition;
using EasyHard.IntegrationTests.Infrastructure;
using EasyHard.Scorer.Scoring;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>
/// Scorer instances joining and leaving with model sync on: a new instance starts from the model on the model topic,
/// every sample still goes through exactly once, and each id's history moves with its input partition (restored from
/// the changelog on assignment, dropped on revocation).
/// </summary>
public sealed class ScaleOutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ScorerInstances_JoinAndLeave_HistoryMovesWithItsPartitions_ExactlyOnce()
    {
        await using var harness = FaultHarness.WithSqlite("scale-out", "--Scorer:Sync:IntervalBatches=1");
        await harness.Run.StartAsync();
        var first = await harness.ProduceAsync(seed: 41);
        await harness.WaitForAllAsync(first);
        var firstEngine = harness.Run.App!.Services.GetRequiredService<ScoringEngine>();
        var before = first.ToDictionary(id => id, id => firstEngine.TryGetHistory(id, out var record) ? record : (SampleRecord?)null, StringComparer.Ordinal);
        Assert.All(before.Values, record => Assert.NotNull(record));

        // Bad models on the model topic are ignored and counted, by the running instance and by the one that starts.
        var (malformed, layout) = (await PeerModels("malformed"), await PeerModels("layout"));
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = harness.Cluster.BootstrapServers }).Build())
        {
            var wrongShape = new ModelSnapshot { Format = ModelExchangeFormat, Instance = "elsewhere", Layout = "dimension=3 classes=2", CreatedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
            await producer.ProduceAsync(harness.Run.Topics.Options.Model, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes("garbage"), Value = [0xFF, 0x01, 0x02] });
            await producer.ProduceAsync(harness.Run.Topics.Options.Model, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes("elsewhere"), Value = wrongShape.ToByteArray() });
        }

        // A second scorer joins: some partitions move to it, and their ids' history with them.
        var second = await harness.Run.StartInstanceAsync("scorer-2", Roles.Scorer);
        var secondEngine = second.Services.GetRequiredService<ScoringEngine>();
        // With nothing to score yet, it holds the model the first instance published, not a fresh one.
        Assert.InRange(secondEngine.ModelVersion, 1, firstEngine.ModelVersion);
        Assert.True(await PeerModels("malformed") >= malformed + 2, "the unreadable model, read by both instances");
        Assert.True(await PeerModels("layout") >= layout + 2, "the model of another shape, read by both instances");
        await Eventually.WaitUntilAsync(() => Task.FromResult(secondEngine.HistoryCount > 0 && firstEngine.HistoryCount + secondEngine.HistoryCount == first.Count),
            TimeSpan.FromMinutes(1), () => $"history split between the instances: {firstEngine.HistoryCount} + {secondEngine.HistoryCount} of {first.Count}");
        var moved = first.Where(id => secondEngine.TryGetHistory(id, out _)).ToList();
        output.WriteLine($"{moved.Count} of {first.Count} ids moved to the second scorer with their history");
        Assert.InRange(moved.Count, 1, first.Count - 1);
        foreach (var id in moved)
        {
            Assert.False(firstEngine.TryGetHistory(id, out _), $"{id} is still held by the instance that gave its partition up");
            Assert.True(secondEngine.TryGetHistory(id, out var restored));
            Assert.Equal(before[id], restored);
        }

        // New samples while the second scorer leaves mid-stream: its partitions come back with the history it wrote.
        var producing = harness.Run.ProduceAsync(FaultHarness.Count, 0.01, seed: 42, "more", FaultHarness.ProducerRate);
        await harness.WaitForStoredAsync(first.Count + (FaultHarness.Count / 3), TimeSpan.FromMinutes(2));
        await second.StopAsync();
        await second.DisposeAsync();
        var (more, _) = await producing;
        IReadOnlyList<string> all = [.. first, .. more.Select(s => s.Id)];
        await harness.WaitForAllAsync(all);

        await ExactlyOnceVerifier.AssertExactlyOnceAsync(harness, all, output);
        Assert.Equal(all.Count, firstEngine.HistoryCount);
        foreach (var id in moved)
        {
            Assert.True(firstEngine.TryGetHistory(id, out var back));
            Assert.Equal(before[id], back);
        }
    }

    [Fact]
    public async Task ModelLargerThanTheProducerAllows_IsCountedAsFailed_AndScoringGoesOn()
    {
        // A model of this proxy is about 50 KB; the scorer's records stay far below 20,000 bytes.
        await using var harness = FaultHarness.WithSqlite("scale-out-big-model", "--Scorer:Sync:IntervalBatches=1", "--Kafka:Producer:MessageMaxBytes=20000",
            "--Schema:MaxRecordBytes=10000");
        var failed = await PeerModels("failed");
        await harness.Run.StartAsync();
        var ids = await harness.ProduceAsync(seed: 43);
        await harness.WaitForAllAsync(ids);

        await ExactlyOnceVerifier.AssertExactlyOnceAsync(harness, ids, output);
        Assert.True(await PeerModels("failed") > failed, "the refused publications are counted");
    }

    /// <summary>The model format this scorer reads (a message of it with another layout is refused for its layout).</summary>
    private const uint ModelExchangeFormat = 2;

    /// <summary>easyhard_scorer_sync_peer_models_total{result} of this process (both instances count into it).</summary>
    private static async Task<long> PeerModels(string result)
    {
        using var text = new MemoryStream();
        await Prometheus.Metrics.DefaultRegistry.CollectAndExportAsTextAsync(text);
        return RoleCounters.Sum(Encoding.UTF8.GetString(text.ToArray()), "easyhard_scorer_sync_peer_models_total", $"result=\"{result}\"");
    }
}
