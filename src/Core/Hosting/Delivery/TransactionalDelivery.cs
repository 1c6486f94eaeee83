using Confluent.Kafka;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>
/// Exactly-once consume → process → produce (KIP-98/KIP-447): each batch's output and its input offsets are
/// committed in one Kafka transaction, so <c>read_committed</c> consumers downstream see a batch's output exactly
/// once or not at all, and the group's offsets move only with it.
/// <list type="bullet">
/// <item>Zombie fencing: <c>InitTransactions</c> with this instance's stable transactional id aborts whatever a
/// previous incarnation left open and fences it; offsets are sent with the consumer's group metadata, so a member
/// that lost its partitions in a rebalance cannot commit for them (the broker rejects the stale generation).</item>
/// <item>A failure inside the transaction aborts it (<see cref="Reset"/>); the shell then processes the same
/// batch again, with only the partitions it still owns.</item>
/// <item>A retriable commit failure (timeout, coordinator moving) retries the commit itself, as librdkafka
/// requires: the outcome of the first attempt is decided by the coordinator, never guessed.</item>
/// <item>Fatal errors (fenced by a newer instance) propagate and stop the process.</item>
/// </list>
/// </summary>
internal sealed class TransactionalDelivery(IProducer<byte[], byte[]> producer, IConsumer<byte[], byte[]> consumer,
    PipelineMetrics metrics, TimeProvider time, TimeSpan timeout) : IBatchDelivery
{
    private bool _initialized;
    private bool _open;

    public void Deliver(IReadOnlyList<OutgoingMessage> outputs, IReadOnlyList<TopicPartitionOffset> offsets)
    {
        if (!_initialized)
        {
            producer.InitTransactions(timeout);
            _initialized = true;
        }

        var started = time.GetTimestamp();
        producer.BeginTransaction();
        _open = true;
        OutputProducer.Enqueue(producer, outputs, metrics, onDelivered: null);
        producer.SendOffsetsToTransaction(offsets, consumer.ConsumerGroupMetadata, timeout);
        metrics.ProduceDuration.Observe(time.GetElapsedTime(started).TotalSeconds);

        started = time.GetTimestamp();
        CommitTransaction();
        _open = false;
        metrics.CommitDuration.Observe(time.GetElapsedTime(started).TotalSeconds);
        metrics.Transactions("committed").Inc();
    }

    public void Reset()
    {
        if (_open)
        {
            // Throws (and is retried by the shell with backoff) while the coordinator cannot be reached.
            producer.AbortTransaction(timeout);
            _open = false;
            metrics.Transactions("aborted").Inc();
        }
    }

    public void Dispose()
    {
        if (_open)
        {
            try
            {
                producer.AbortTransaction(TimeSpan.FromSeconds(10));
            }
            catch (KafkaException)
            {
                // Closing anyway: the coordinator aborts the transaction after transaction.timeout.ms, and the
                // next instance with this transactional id aborts it at InitTransactions.
            }
        }
    }

    private void CommitTransaction()
    {
        var deadline = time.GetTimestamp();
        while (true)
        {
            try
            {
                producer.CommitTransaction(timeout);
                return;
            }
            catch (KafkaRetriableException) when (time.GetElapsedTime(deadline) < timeout)
            {
                // The commit goes on in the background; calling it again waits for (or retries) that outcome.
            }
        }
    }
}
