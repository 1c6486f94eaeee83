using System.Text;
using EasyHard.Bench.Common;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>
/// A load that stops because nothing arrives still says which samples the broker acknowledged: the chaos run used to
/// count every sample sent before such a stop as produced, so samples whose delivery failed in a broker outage were
/// reported as lost by the pipeline.
/// </summary>
public sealed class BenchProducerTests
{
    [Fact]
    public void Run_NothingArrives_StopsWithTheAcknowledgementsOfWhatItSent()
    {
        using var cluster = new EmbeddedKafkaCluster(brokers: 1);
        cluster.CreateTopics(["bench-producer-stall"], 2);
        using var producer = new BenchProducer(cluster.BootstrapServers, "bench-producer-stall");
        var tracker = new ArrivalTracker(1024);

        var stalled = Assert.Throws<ProducerStalledException>(() => producer.Run(long.MaxValue, Sample, tracker, ratePerSecond: 0, maxBacklog: 50,
            stall: TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Equal(50, stalled.Result.Sent);
        Assert.Equal(0, stalled.Result.Failed);
        Assert.Empty(stalled.Result.FailedIndexes);
        Assert.Contains("Nothing arrived for 1 s with 50 samples in flight", stalled.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NothingArrivesAndTheBrokerIsDown_ReportsTheUnacknowledgedSamples()
    {
        using var cluster = new EmbeddedKafkaCluster(brokers: 1);
        cluster.CreateTopics(["bench-producer-down"], 1);
        MockClusterNative.SetBrokerDown(cluster.NativeCluster, 1);
        using var producer = new BenchProducer(cluster.BootstrapServers, "bench-producer-down");
        var tracker = new ArrivalTracker(1024);

        var stalled = Assert.Throws<ProducerStalledException>(() => producer.Run(long.MaxValue, Sample, tracker, ratePerSecond: 0, maxBacklog: 20,
            stall: TimeSpan.FromSeconds(1), CancellationToken.None));

        Assert.Equal(20, stalled.Result.Sent);
        Assert.Equal(20, stalled.Result.Failed);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i), stalled.Result.FailedIndexes.Order());
    }

    private static EncodedSample Sample(long index)
    {
        var id = $"bench-{index:D6}";
        return new EncodedSample(id, Encoding.UTF8.GetBytes(id), [1, 2, 3], "application/json");
    }
}
