using Confluent.Kafka;
using EasyHard.Core.Hosting;

namespace EasyHard.Core.Tests;

/// <summary>
/// Starting partitions again at an offset must not stop the role when the consumer no longer holds them: a group
/// session that timed out during a long offset-journal read had emptied the assignment, and unassigning then threw
/// "Can't subtract from empty assignment" out of the consume loop, which stopped the process.
/// </summary>
public sealed class ReassignmentTests
{
    [Fact]
    public void Restart_PartitionsNoLongerAssigned_AreLeftAlone_AndTheRestStartAtTheirOffsets()
    {
        using var mock = new MockTopic("reassignment", partitions: 2);
        mock.Produce(0, 10);
        using var consumer = mock.Connection.CreateReader($"{mock.Name}-reader");
        var held = new TopicPartition(mock.Name, 0);
        var gone = new TopicPartition(mock.Name, 1);
        consumer.Assign([new TopicPartitionOffset(held, 0)]);

        // What the role used to do for a partition the consumer had lost: it throws.
        Assert.ThrowsAny<KafkaException>(() => consumer.IncrementalUnassign([gone]));

        var started = Reassignment.Restart(consumer, [new TopicPartitionOffset(held, 7), new TopicPartitionOffset(gone, 3)]);

        Assert.Equal([new TopicPartitionOffset(held, 7)], started);
        Assert.Equal([held], consumer.Assignment);
        var record = consumer.Consume(TimeSpan.FromSeconds(30));
        Assert.Equal((0, 7L), (record.Partition.Value, record.Offset.Value));
    }

    [Fact]
    public void Restart_NothingAssigned_StartsNothing()
    {
        using var mock = new MockTopic("reassignment-empty");
        using var consumer = mock.Connection.CreateReader($"{mock.Name}-reader");

        Assert.Empty(Reassignment.Restart(consumer, [new TopicPartitionOffset(new TopicPartition(mock.Name, 0), 3)]));
        Assert.Empty(consumer.Assignment);
    }
}
