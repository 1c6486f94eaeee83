using Confluent.Kafka;

namespace EasyHard.Core.Hosting;

/// <summary>
/// Keeps a role consumer's pause state right across rebalances. The shell pauses its whole assignment while it backs
/// off before retrying a batch, and resumes it once the batch commits. librdkafka keeps a partition's pause flag when
/// the partition is revoked or lost and assigned again (librdkafka issue #1849; rdkafka_assignment.c resets only its own
/// pause flag): a partition paused for a retry, lost while the brokers were down and assigned back after the retry
/// resumed the then-current assignment, would stay paused for good, its member idle and healthy with input behind it.
/// And a partition assigned for the first time during a back-off is not paused at all, so the back-off's polls would
/// read, and drop, its records. So each newly assigned partition gets the state the shell is in, and a record that
/// arrives during a back-off is put back.
/// All calls come from the role's consume thread (its rebalance callbacks run there too).
/// </summary>
internal sealed class AssignmentPauses
{
    private readonly List<TopicPartition> _assigned = [];

    /// <summary>True while the shell backs off with its assignment paused.</summary>
    public bool Paused { get; private set; }

    /// <summary>Called from the assignment callback; <see cref="Settle"/> applies the state once the assignment is in place.</summary>
    public void Assigned(IEnumerable<TopicPartition> partitions) => _assigned.AddRange(partitions);

    /// <summary>Pauses the whole assignment for a back-off.</summary>
    public void PauseAll(IConsumer<byte[], byte[]> consumer)
    {
        Settle(consumer);
        consumer.Pause(consumer.Assignment);
        Paused = true;
    }

    /// <summary>Resumes the whole assignment after a back-off.</summary>
    public void ResumeAll(IConsumer<byte[], byte[]> consumer)
    {
        Settle(consumer);
        consumer.Resume(consumer.Assignment);
        Paused = false;
    }

    /// <summary>
    /// Called after every poll: partitions assigned since the last call are paused when the shell is paused, else
    /// resumed (clearing a pause left from before they were revoked).
    /// </summary>
    public void Settle(IConsumer<byte[], byte[]> consumer)
    {
        if (_assigned.Count == 0)
        {
            return;
        }

        var assignment = consumer.Assignment.ToHashSet();
        List<TopicPartition> settle = [.. _assigned.Where(assignment.Contains).Distinct()];
        _assigned.Clear();
        if (settle.Count == 0)
        {
            return;
        }

        if (Paused)
        {
            consumer.Pause(settle);
        }
        else
        {
            consumer.Resume(settle);
        }
    }

    /// <summary>
    /// A record polled during a back-off (its partition was assigned in that same poll, before it could be paused):
    /// its partition goes back to it, so that it is read again after the back-off, and is paused.
    /// </summary>
    public static void PutBack(IConsumer<byte[], byte[]> consumer, ConsumeResult<byte[], byte[]> record)
    {
        consumer.Seek(record.TopicPartitionOffset);
        consumer.Pause([record.TopicPartition]);
    }
}
