using Confluent.Kafka;

namespace EasyHard.Core.Kafka;

/// <summary>
/// Reads partitions from their beginning to their end with a reader that reports partition ends (<see
/// cref="KafkaConnection.CreateReader"/>): how a starting or newly assigned member rebuilds state kept on a topic.
/// Empty partitions are not read at all: on the mock cluster a fetch of one waits out fetch.wait.max.ms before its end
/// is known, and a rebuild inside a rebalance holds the rebalance that long.
/// </summary>
public static class PartitionsToEnd
{
    /// <summary>
    /// Assigns the partitions of <paramref name="partitions"/> that hold records and hands every record to
    /// <paramref name="apply"/> until each has reached its end or <paramref name="deadline"/> passed; a consume error that
    /// is not fatal goes to <paramref name="onError"/> and the read goes on. Returns the partitions not read to their end.
    /// </summary>
    public static IReadOnlyCollection<TopicPartition> Read(IConsumer<byte[], byte[]> reader, IEnumerable<TopicPartition> partitions, TimeSpan deadline,
        Action<ConsumeResult<byte[], byte[]>> apply, Action<Error> onError, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(apply);
        ArgumentNullException.ThrowIfNull(onError);
        var until = DateTime.UtcNow + deadline;
        var pending = partitions.Where(p => reader.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High > 0).ToHashSet();
        if (pending.Count == 0)
        {
            return [];
        }

        reader.Assign(pending.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        while (pending.Count > 0 && DateTime.UtcNow < until && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                var record = reader.Consume(TimeSpan.FromMilliseconds(200));
                if (record is null)
                {
                    continue;
                }

                if (record.IsPartitionEOF)
                {
                    pending.Remove(record.TopicPartition);
                    continue;
                }

                apply(record);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                onError(e.Error);
            }
        }

        return pending;
    }
}
