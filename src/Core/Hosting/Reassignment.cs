using Confluent.Kafka;

namespace EasyHard.Core.Hosting;

/// <summary>
/// Starts partitions the consumer holds again at given offsets, by assigning them again: the assignment is the one
/// place librdkafka takes a start offset from whatever state a partition's fetcher is in (a seek is refused on a
/// partition stopped by an offset it could not serve, ERR__STATE). A partition the consumer no longer holds is left
/// alone: when the group session timed out while the role was busy (a long offset-journal read, brokers away),
/// librdkafka has already emptied the assignment before the application hears of it, and unassigning then fails with
/// "Can't subtract from empty assignment", which stopped the process; the rebalance that follows assigns the
/// partition again from its committed or journal position.
/// </summary>
public static class Reassignment
{
    /// <summary>The offsets that were started again: those of partitions still assigned when it ran.</summary>
    /// <param name="resume">Resume them too (they were paused while they waited).</param>
    public static IReadOnlyList<TopicPartitionOffset> Restart(IConsumer<byte[], byte[]> consumer, IReadOnlyCollection<TopicPartitionOffset> starts, bool resume = true)
    {
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(starts);
        var assigned = consumer.Assignment.ToHashSet();
        List<TopicPartitionOffset> held = [.. starts.Where(s => assigned.Contains(s.TopicPartition))];
        if (held.Count == 0)
        {
            return [];
        }

        List<TopicPartition> partitions = [.. held.Select(s => s.TopicPartition)];
        try
        {
            consumer.IncrementalUnassign(partitions);
            consumer.IncrementalAssign(held);
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            // Lost between the look and the call (the session timed out on librdkafka's thread): as above.
            return [];
        }

        if (resume)
        {
            consumer.Resume(partitions);
        }

        return held;
    }
}
