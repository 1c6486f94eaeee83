using Confluent.Kafka;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>
/// Exactly-once consume → process → produce (KIP-98/KIP-447): each batch's output and its input offsets are
/// committed in one Kafka transaction, so <c>read_committed</c> consumers downstream see a batch's output exactly
/// once or not at all, and the group's offsets move only with it.
/// <list type="bullet">
/// <item>With the offset journal (librdkafka's mock cluster), the input offsets travel as journal records in the
/// same transaction instead of the group's offsets, which the mock does not store.</item>
/// <item>Zombie fencing: <c>InitTransactions</c> with this instance's stable transactional id aborts whatever a
/// previous incarnation left open and fences it; offsets are sent with the consumer's group metadata, so a member
/// that lost its partitions in a rebalance cannot commit for them (the broker rejects the stale generation).</item>
/// <item>A failure inside the transaction aborts it (<see cref="Reset"/>); the shell then processes the same
/// batch again, with only the partitions it still owns.</item>
/// <item>A retriable commit failure (timeout, coordinator moving, brokers down) resumes the commit itself for as long
/// as it takes, as librdkafka requires: once <c>CommitTransaction</c> has started, any other transactional call fails
/// with "Conflicting commit_transaction API call is already in progress" until the commit is resumed to an outcome, and
/// that outcome is decided by the coordinator, never guessed. A commit that can no longer succeed ends in an abortable
/// error, and the shell then aborts and redoes the batch. Only stopping gives up on it (the next instance with this
/// transactional id aborts what is left open).</item>
/// <item>Fatal errors (fenced by a newer instance) propagate and stop the process.</item>
/// </list>
/// </summary>
internal sealed class TransactionalDelivery(IProducer<byte[], byte[]> producer, IConsumer<byte[], byte[]> consumer,
    PipelineMetrics metrics, TimeProvider time, TimeSpan timeout, OffsetJournal? journal, CancellationToken stopping) : IBatchDelivery
{
    private bool _initialized;
    private bool _open;
    private long _sendStarted;
    private IReadOnlyList<TopicPartitionOffset> _offsets = [];
    private IConsumerGroupMetadata? _groupMetadata;
    private DeliveryReports _reports = new();

    /// <summary>
    /// Fences a previous incarnation with this transactional id (Kafka aborts what it left open) before any offsets
    /// are read. May be called again after it threw (e.g. the coordinator was not reachable yet).
    /// </summary>
    public void Start()
    {
        if (!_initialized)
        {
            producer.InitTransactions(timeout);
            _initialized = true;
        }
    }

    public bool CompletesInBackground => true;

    public void Send(IReadOnlyList<OutgoingMessage> outputs, IReadOnlyList<TopicPartitionOffset> offsets)
    {
        _sendStarted = time.GetTimestamp();
        producer.BeginTransaction();
        _open = true;
        _reports = new DeliveryReports();
        try
        {
            OutputProducer.Enqueue(producer, outputs, metrics, _reports);
        }
        catch (ProduceException<byte[], byte[]> e) when (!e.Error.IsFatal)
        {
            // The broker can answer an early produce request while later outputs are still being enqueued: a record it
            // refused for good fails the transaction, and every later produce call fails with an erroneous state. As in
            // Complete, the refusal's delivery report says which outputs to dead-letter.
            _reports.Forget();
            _reports.AwaitRefusalOrAll(TimeSpan.FromSeconds(1));
            _reports.ThrowIfRefused(e);
            throw;
        }

        _offsets = offsets;
        // Read on this thread: the consumer belongs to it, Complete may run on another.
        _groupMetadata = journal is null ? consumer.ConsumerGroupMetadata : null;
        // An output librdkafka refused at once can never be part of this transaction: give up on it now.
        if (_reports.AnyRefused)
        {
            _reports.ThrowIfFailed();
        }
    }

    public void Complete()
    {
        try
        {
            CompleteTransaction();
        }
        catch (KafkaException e) when (e is not UndeliverableOutputsException && !e.Error.IsFatal)
        {
            // A record the broker refused for good (larger than the topic's max.message.bytes) fails the whole
            // transaction; its delivery report says which one, so that only its input is dead-lettered.
            _reports.AwaitRefusalOrAll(TimeSpan.FromSeconds(1));
            _reports.ThrowIfRefused(e);
            throw;
        }
    }

    private void CompleteTransaction()
    {
        if (journal is null)
        {
            producer.SendOffsetsToTransaction(_offsets, _groupMetadata, timeout);
        }
        else
        {
            // The journal is the offset store here; sending offsets to the group as well would be wasted (the mock
            // cluster discards them). The entries follow output that is already on the brokers: the mock does not
            // hide the records of an unfinished transaction from read_committed readers, so a journal entry left by
            // a process killed mid-transaction must only ever vouch for output that is really there. At worst
            // the batch's output then repeats; it is never skipped.
            FlushOrThrow();
            _reports.AwaitRefusalOrAll(TimeSpan.FromSeconds(1));
            _reports.ThrowIfFailed();
            OutputProducer.Enqueue(producer, [.. _offsets.Select(journal.Entry)], metrics, reports: null);
        }

        metrics.ProduceDuration.Observe(time.GetElapsedTime(_sendStarted).TotalSeconds);

        var started = time.GetTimestamp();
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

    private void FlushOrThrow()
    {
        if (producer.Flush(timeout) > 0)
        {
            throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"outputs not delivered within {timeout.TotalSeconds:F0} s"));
        }
    }

    private void CommitTransaction()
    {
        while (true)
        {
            try
            {
                producer.CommitTransaction(timeout);
                return;
            }
            catch (KafkaRetriableException) when (!stopping.IsCancellationRequested)
            {
                // The commit goes on in the background; calling it again waits for (or retries) that outcome. Giving
                // up here would leave librdkafka mid-commit, refusing the abort and every later transaction.
                metrics.Errors("commit_resumed").Inc();
            }
        }
    }
}
