using Confluent.Kafka;

namespace EasyHard.Core.Kafka;

/// <summary>
/// The functional core of a role, as seen by the Kafka shell: takes one micro-batch of consumed records
/// and returns what to produce. Side effects that must be durable before the input offsets are committed
/// (SQL writes) happen inside <see cref="ProcessAsync"/>. A record that cannot be accepted is returned as a
/// dead letter, never thrown: an exception means a transient failure and the batch is retried.
/// </summary>
public interface IBatchProcessor
{
    Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> batch, CancellationToken cancellationToken);

    /// <summary>
    /// Called once per batch after its outputs and offsets are committed, with the outputs as sent (the shell may have
    /// replaced some by dead letters). A batch is processed again on every retry, so per-record counters belong here,
    /// not in <see cref="ProcessAsync"/>: each record is then counted once, as what became of it.
    /// </summary>
    void Committed(IReadOnlyList<OutgoingMessage> outputs)
    {
    }

    /// <summary>
    /// Input partitions this member now owns (inside the rebalance, before any of their records is processed): a role
    /// with state per partition restores it here. Incremental: only the partitions added.
    /// </summary>
    void PartitionsAssigned(IReadOnlyList<TopicPartition> partitions)
    {
    }

    /// <summary>Input partitions this member no longer owns (after their commit in flight landed): their state goes.</summary>
    void PartitionsRevoked(IReadOnlyCollection<TopicPartition> partitions)
    {
    }
}
