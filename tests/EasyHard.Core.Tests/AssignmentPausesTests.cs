using Confluent.Kafka;
using EasyHard.Core.Hosting;
using EasyHard.Core.Kafka;

namespace EasyHard.Core.Tests;

/// <summary>
/// The shell pauses its assignment while it backs off before retrying a batch. Partitions that move during the back-off
/// (lost while brokers are down, or a rebalance) must neither stay paused once they come back (librdkafka keeps the
/// pause flag across revocation and assignment: the role would sit idle and healthy with input behind it) nor have
/// records read and dropped by the back-off's polls.
/// </summary>
public sealed class AssignmentPausesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public void PartitionPausedForARetry_RevokedAndAssignedAgainAfterTheResume_IsFetchedAgain()
    {
        using var group = new OneMember();
        var (topic, pauses, consumer) = (group.Topic, group.Pauses, group.Consumer);
        group.Produce(0, 5);
        consumer.Subscribe(topic);
        Assert.Equal(5, Read(consumer, pauses, 5).Count);

        pauses.PauseAll(consumer);
        consumer.Unsubscribe();
        PollUntil(consumer, pauses, () => consumer.Assignment.Count == 0, "the partition revoked");
        pauses.ResumeAll(consumer);
        consumer.Subscribe(topic);
        PollUntil(consumer, pauses, () => consumer.Assignment.Count == 1, "the partition assigned again");
        group.Produce(5, 5);

        var read = Read(consumer, pauses, 10);
        consumer.Close();
        Assert.Equal(Enumerable.Range(0, 10).Select(o => (long)o), read.Order());
    }

    [Fact]
    public void PartitionAssignedDuringABackOff_IsNotReadUntilTheResume_AndLosesNothing()
    {
        using var group = new OneMember();
        var (topic, pauses, consumer) = (group.Topic, group.Pauses, group.Consumer);
        group.Produce(0, 5);
        pauses.PauseAll(consumer);
        consumer.Subscribe(topic);

        // The back-off's polls, as the shell makes them.
        DateTime? assignedAt = null;
        var polledDuringBackOff = 0;
        var deadline = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < deadline && (assignedAt is null || DateTime.UtcNow < assignedAt + TimeSpan.FromSeconds(2)))
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            pauses.Settle(consumer);
            if (record is { IsPartitionEOF: false })
            {
                polledDuringBackOff++;
                AssignmentPauses.PutBack(consumer, record);
            }

            if (consumer.Assignment.Count > 0 && assignedAt is null)
            {
                assignedAt = DateTime.UtcNow;
            }
        }

        Assert.NotNull(assignedAt);
        pauses.ResumeAll(consumer);
        var read = Read(consumer, pauses, 5);
        consumer.Close();
        Assert.Equal(Enumerable.Range(0, 5).Select(o => (long)o), read.Order());
        Assert.True(polledDuringBackOff <= 1, $"{polledDuringBackOff} records polled during the back-off");
    }

    /// <summary>A one-partition topic on a one-broker cluster and one member of a group reading it, with the shell's pause keeping.</summary>
    private sealed class OneMember : IDisposable
    {
        private readonly MockTopic _mock = new("pauses", configure: options =>
        {
            options.Consumer.SessionTimeoutMs = 6000;
            options.Consumer.HeartbeatIntervalMs = 500;
        });

        public OneMember()
        {
            Consumer = Connection.CreateConsumer($"{Topic}-group", "pauses", onAssigned: (_, partitions) =>
            {
                Pauses.Assigned(partitions);
                return partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset));
            });
        }

        public string Topic => _mock.Name;

        public KafkaConnection Connection => _mock.Connection;

        public AssignmentPauses Pauses { get; } = new();

        public IConsumer<byte[], byte[]> Consumer { get; }

        public void Produce(int first, int count) => _mock.Produce(first, count);

        public void Dispose()
        {
            Consumer.Dispose();
            _mock.Dispose();
        }
    }

    private static List<long> Read(IConsumer<byte[], byte[]> consumer, AssignmentPauses pauses, int count)
    {
        var read = new List<long>();
        var deadline = DateTime.UtcNow + Deadline;
        while (read.Count < count && DateTime.UtcNow < deadline)
        {
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            pauses.Settle(consumer);
            if (record is { IsPartitionEOF: false })
            {
                read.Add(record.Offset.Value);
            }
        }

        return read;
    }

    private static void PollUntil(IConsumer<byte[], byte[]> consumer, AssignmentPauses pauses, Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            var record = consumer.Consume(TimeSpan.FromMilliseconds(100));
            pauses.Settle(consumer);
            Assert.True(record is null or { IsPartitionEOF: true }, "no record while paused");
        }
    }
}
