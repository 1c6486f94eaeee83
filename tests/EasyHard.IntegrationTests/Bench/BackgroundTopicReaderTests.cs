using System.Collections.Concurrent;
using Confluent.Kafka;
using EasyHard.Bench.Common;
using EasyHard.Core.Embedded;
using EasyHard.Core.Hosting.Retention;
using EasyHard.Core.Kafka;
using EasyHard.IntegrationTests.Infrastructure;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>
/// The benches' background reader (the chaos run's trainer-stream recorder) on the mock cluster's retention: records
/// the broker deleted before the reader got to them are counted and reported, never skipped silently.
/// </summary>
public sealed class BackgroundTopicReaderTests
{
    private const string Topic = "reader-retention";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RecordsDeletedBeforeTheyWereRead_AreCountedAndReported_AndReadingGoesOn()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopics([Topic], 1);
        var partition = new TopicPartition(Topic, 0);
        var read = new ConcurrentQueue<long>();
        var reported = new ConcurrentQueue<RetentionGap>();
        using var reader = new BackgroundTopicReader("test-reader", cluster.BootstrapServers, [partition], fetchWaitMaxMs: 50,
            consumeResultFields: "all", r => read.Enqueue(r.Offset.Value), (_, gap) => reported.Enqueue(gap));
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 0 }).Build();

        await producer.ProduceAsync(partition, new Message<byte[], byte[]> { Value = [1] });
        await Eventually.WaitUntilAsync(() => Task.FromResult(read.Count == 1), Deadline, () => "the first record was not read");

        // The reader falls behind: its fetches fail for a while (about 0.5 s of backoff each) while the partition fills
        // past the mock's 5 MiB with records of 900 kB, so the oldest ones, unread, are deleted.
        MockClusterNative.PushRequestErrors(cluster.NativeCluster, 1, [.. Enumerable.Repeat(ErrorCode.NotLeaderForPartition, 30)]);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var large = new byte[900_000];
        for (var i = 0; i < 7; i++)
        {
            await producer.ProduceAsync(partition, new Message<byte[], byte[]> { Value = large });
        }

        using var watermarks = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "watermarks" }).Build();
        var low = watermarks.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).Low.Value;
        Assert.True(low > 1, $"the mock kept every record (earliest offset {low}): nothing to lose");

        await Eventually.WaitUntilAsync(() => Task.FromResult(read.Contains(7)), Deadline,
            () => $"read offsets {string.Join(',', read)}, reported {string.Join(',', reported)}");
        reader.ThrowIfFailed();
        var gap = Assert.Single(reported);
        Assert.Equal(new RetentionGap(1, low, 8), gap);
        Assert.Equal(low - 1, reader.LostToRetention[partition]);
        Assert.Equal([0, .. Enumerable.Range((int)low, 8 - (int)low).Select(o => (long)o)], read.ToArray());
    }

    [Fact]
    public async Task AFetchTheBrokerLeavesUnanswered_HoldsTheReaderBackAboutTenSeconds_NotAMinute()
    {
        using var cluster = new EmbeddedKafkaCluster(brokers: 1);
        cluster.CreateTopics([Topic], 1);
        var partition = new TopicPartition(Topic, 0);
        var read = new ConcurrentQueue<long>();
        using var reader = new BackgroundTopicReader("test-reader", cluster.BootstrapServers, [partition], fetchWaitMaxMs: 50,
            consumeResultFields: "all", r => read.Enqueue(r.Offset.Value));
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 0 }).Build();
        await producer.ProduceAsync(partition, new Message<byte[], byte[]> { Value = [1] });
        await Eventually.WaitUntilAsync(() => Task.FromResult(read.Count == 1), Deadline, () => "the first record was not read");

        // What the mock sometimes does after a broker outage: the reader's fetch in flight is answered only after 45 s.
        MockClusterNative.SetBrokerRtt(cluster.NativeCluster, 1, 45_000);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        MockClusterNative.SetBrokerRtt(cluster.NativeCluster, 1, 0);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await producer.ProduceAsync(partition, new Message<byte[], byte[]> { Value = [2] });

        await Eventually.WaitUntilAsync(() => Task.FromResult(read.Count == 2), Deadline, () => "the second record was not read");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), $"the second record was read after {clock.Elapsed.TotalSeconds:F1} s");
    }
}
