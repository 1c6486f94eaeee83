using Confluent.Kafka;
using EasyHard.Core.Hosting;
using EasyHard.Core.Observability;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Core.Tests;

/// <summary>
/// A partition that has records to read but yields none (its fetcher stopped; here it is paused behind the shell's back)
/// is found and assigned again at the role's position: its records then arrive, each once, none skipped.
/// </summary>
public sealed class PartitionStallWatchTests
{
    private const string Role = "stallwatchtest";

    [Fact]
    public void PartitionWithRecordsYieldingNone_IsAssignedAgainAtTheRolesPosition()
    {
        using var mock = new MockTopic("stall-watch");
        var (topic, connection) = (mock.Name, mock.Connection);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var metrics = PipelineMetrics.For(Role);
        var before = metrics.Errors(PartitionStallWatch.ErrorKind).Value;
        var watch = new PartitionStallWatch(Role, metrics, time, NullLogger.Instance);
        using var consumer = connection.CreateConsumer($"{topic}-group", "stall-watch", onAssigned: (_, partitions) =>
        {
            List<TopicPartitionOffset> starts = [.. partitions.Select(p => new TopicPartitionOffset(p, 0))];
            watch.Started(starts);
            return starts;
        });
        mock.Produce(0, 3);
        consumer.Subscribe(topic);
        var read = Read(consumer, watch, 3, _ => false);
        Assert.Equal([0L, 1, 2], read);

        consumer.Pause(consumer.Assignment);
        mock.Produce(3, 4);
        watch.Check(consumer, _ => false);
        Assert.Empty(Read(consumer, watch, 1, _ => false, TimeSpan.FromSeconds(2)));
        Assert.Equal(0, metrics.Errors(PartitionStallWatch.ErrorKind).Value - before);

        time.Advance(PartitionStallWatch.QuietFor + TimeSpan.FromSeconds(1));
        watch.Check(consumer, _ => false);

        read = Read(consumer, watch, 4, _ => false);
        consumer.Close();
        Assert.Equal([3L, 4, 5, 6], read);
        Assert.Equal(1, metrics.Errors(PartitionStallWatch.ErrorKind).Value - before);
    }

    [Fact]
    public void PartitionHeldOnPurpose_IsLeftAlone()
    {
        using var mock = new MockTopic("stall-watch");
        var (topic, connection) = (mock.Name, mock.Connection);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var watch = new PartitionStallWatch(Role, PipelineMetrics.For(Role), time, NullLogger.Instance);
        using var consumer = connection.CreateConsumer($"{topic}-group", "stall-watch", onAssigned: (_, partitions) =>
        {
            List<TopicPartitionOffset> starts = [.. partitions.Select(p => new TopicPartitionOffset(p, 0))];
            watch.Started(starts);
            return starts;
        });
        consumer.Subscribe(topic);
        Read(consumer, watch, 1, _ => false, TimeSpan.FromSeconds(8));
        Assert.Single(consumer.Assignment);
        consumer.Pause(consumer.Assignment);
        mock.Produce(0, 2);

        time.Advance(PartitionStallWatch.QuietFor + TimeSpan.FromSeconds(1));
        watch.Check(consumer, _ => true);

        Assert.Empty(Read(consumer, watch, 1, _ => true, TimeSpan.FromSeconds(2)));
        consumer.Close();
    }

    private static List<long> Read(IConsumer<byte[], byte[]> consumer, PartitionStallWatch watch, int count,
        Func<TopicPartition, bool> held, TimeSpan? within = null)
    {
        var read = new List<long>();
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (read.Count < count && DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (record is { IsPartitionEOF: false })
            {
                watch.Read(record);
                read.Add(record.Offset.Value);
            }
            else
            {
                watch.Check(consumer, held);
            }
        }

        return read;
    }
}
