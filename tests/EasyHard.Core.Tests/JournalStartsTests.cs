using Confluent.Kafka;
using EasyHard.Core.Embedded;
using EasyHard.Core.Hosting.Delivery;
using EasyHard.Core.Hosting;
using EasyHard.Core.Observability;
using Microsoft.Extensions.Logging.Abstractions;

namespace EasyHard.Core.Tests;

/// <summary>
/// An offset journal that cannot be read when partitions are assigned must neither stop the role (it used to throw out
/// of the assignment callback, so the process exited) nor let it read from a position that is not the journal's.
/// </summary>
public sealed class JournalStartsTests
{
    private const string Role = "journalstartstest";

    [Fact]
    public void JournalReadTimingOutOnce_HoldsThePartitions_ThenStartsThemAtTheJournalOffsets()
    {
        using var mock = new MockTopic("journal-starts", partitions: 2);
        var (topic, connection) = (mock.Name, mock.Connection);
        mock.Produce(0, 10);

        var journal = new Dictionary<int, long> { [0] = 6, [1] = 3 };
        var reads = 0;
        var metrics = PipelineMetrics.For(Role);
        var errorsBefore = metrics.Errors(JournalStarts.ErrorKind).Value;
        var readiness = new RoleReadiness();
        var starts = new JournalStarts(Role, "the-journal", (partitions, _) =>
            {
                if (++reads == 1)
                {
                    throw new KafkaException(new Error(ErrorCode.Local_TimedOut, "offset journal the-journal not read to its end"));
                }

                return [.. partitions.Select(p => new TopicPartitionOffset(p, journal[p.Partition.Value]))];
            },
            metrics, readiness, TimeProvider.System, NullLogger.Instance);

        using var consumer = connection.CreateConsumer($"{topic}-group", "journal-starts", reportOutOfRange: true,
            onAssigned: (_, partitions) => starts.Assigned(partitions));
        consumer.Subscribe(topic);

        var seen = new List<(int Partition, long Offset)>();
        var producedWhileHeld = false;
        var stalledWhileHeld = false;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (seen.Count < 4 + 7 + 10 && DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (starts.Waiting > 0 && !producedWhileHeld)
            {
                // Records that arrive while the partitions wait must be read once they are placed, not dropped for good.
                mock.Produce(10, 5);
                producedWhileHeld = true;
                stalledWhileHeld = readiness.StalledLongerThan(TimeSpan.Zero).Count > 0;
            }

            if (record is null || record.IsPartitionEOF)
            {
                starts.Place(consumer);
                continue;
            }

            if (starts.Holds(record.TopicPartition))
            {
                starts.Place(consumer);
                continue;
            }

            seen.Add((record.Partition.Value, record.Offset.Value));
        }

        consumer.Close();
        Assert.True(producedWhileHeld, "the first journal read failed and the partitions waited");
        Assert.True(stalledWhileHeld, "while partitions wait, the role counts as holding input (StallTimeout applies)");
        Assert.Equal(2, reads);
        Assert.Equal(1, metrics.Errors(JournalStarts.ErrorKind).Value - errorsBefore);
        Assert.Equal(Enumerable.Range(6, 9).Select(o => (long)o), seen.Where(r => r.Partition == 0).Select(r => r.Offset));
        Assert.Equal(Enumerable.Range(3, 12).Select(o => (long)o), seen.Where(r => r.Partition == 1).Select(r => r.Offset));
        Assert.Empty(readiness.StalledLongerThan(TimeSpan.Zero));
        Assert.True(readiness.IsReady);
    }
}
