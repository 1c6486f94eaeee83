using Confluent.Kafka;
using EasyHard.Core.Embedded;
using EasyHard.Core.Hosting.Delivery;
using EasyHard.Core.Hosting.Retention;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;
using Microsoft.Extensions.Logging;

namespace EasyHard.Core.Hosting;

/// <summary>
/// The loop of <see cref="KafkaBatchWorker"/> over one consumer and one delivery: collect a micro-batch (up to
/// <c>MaxBatchSize</c> records, or what arrived within <c>MaxBatchDelayMs</c> of the first), process it, deliver its
/// output and commit its offsets. While one batch's commit completes in the background the next one is collected and
/// processed; a failed commit is redone before anything after it is sent, so offsets move in order. A failure that is
/// not bad input pauses the partitions, backs off and retries the same batch while polling to keep the group
/// membership; records of partitions revoked meanwhile leave the batch. Apart from the worker, so that batching,
/// pipelined commits, revocation and retry can be tested with a fake consumer and delivery. One file of about 500
/// lines on purpose: every step reads and changes the batch in hand and the commit in flight, which a rebalance
/// callback also changes between any two steps, and that shared state is easiest to check in one place.
/// </summary>
internal sealed partial class BatchLoop
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(5);

    private readonly KafkaRoleDefinition _definition;
    private readonly IBatchProcessor _processor;
    private readonly RoleReadiness _readiness;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly PipelineMetrics _metrics;
    private readonly List<ConsumeResult<byte[], byte[]>> _batch;
    private readonly OutputScreen _screen;
    private readonly RetentionLossRecovery _retention;
    private readonly AssignmentPauses _pauses = new();
    private readonly PartitionStallWatch _stallWatch;
    private readonly JournalStarts? _starts;
    private readonly AssignmentWait? _assignmentWait;
    private InFlightBatch? _inFlight;

    /// <param name="starts">Where assigned partitions resume when the offset journal stands in for committed offsets; null otherwise.</param>
    /// <param name="assignmentWait">Re-joins the group when no partition comes; null to wait as long as it takes.</param>
    public BatchLoop(KafkaRoleDefinition definition, IBatchProcessor processor, OutputScreen screen, JournalStarts? starts, AssignmentWait? assignmentWait,
        RoleReadiness readiness, TimeProvider time, ILogger logger)
    {
        _definition = definition;
        _processor = processor;
        _screen = screen;
        _starts = starts;
        _assignmentWait = assignmentWait;
        _readiness = readiness;
        _time = time;
        _logger = logger;
        _metrics = PipelineMetrics.For(definition.Role);
        _batch = new List<ConsumeResult<byte[], byte[]>>(definition.Batching.MaxBatchSize);
        _retention = new RetentionLossRecovery(definition.Role, _metrics, readiness, logger);
        _stallWatch = new PartitionStallWatch(definition.Role, _metrics, time, logger);
    }

    /// <summary>Runs inside <c>Consume</c> when partitions are assigned: where each starts (the group's offset, or held for the journal).</summary>
    public IReadOnlyList<TopicPartitionOffset> Assigned(List<TopicPartition> partitions)
    {
        _assignmentWait?.Assigned();
        _pauses.Assigned(partitions);
        var starts = _starts?.Assigned(partitions) ?? [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset))];
        _stallWatch.Started(starts);
        _processor.PartitionsAssigned(partitions);
        LogAssigned(_definition.Role, string.Join(", ", starts.Select(s => $"{s.Topic}[{s.Partition.Value}]@{s.Offset}")));
        _readiness.Step(_definition.Role, RoleReadiness.CollectingStep);
        return starts;
    }

    /// <summary>Batches until <paramref name="stopping"/>; the batch in hand and a commit in flight are finished first.</summary>
    public void Run(IConsumer<byte[], byte[]> consumer, IBatchDelivery delivery, CancellationToken stopping)
    {
        var role = _definition.Role;
        while (!stopping.IsCancellationRequested)
        {
            _readiness.Step(role, RoleReadiness.CollectingStep);
            CollectBatch(consumer, stopping);
            if (_batch.Count == 0)
            {
                FinishInFlight(consumer, delivery, stopping);
                _readiness.Idle(role);
                continue;
            }

            _readiness.InputPending(role);
            _stallWatch.Check(consumer, p => _starts?.Waits(p) == true);

            // A batch in hand is finished even when stopping began while it was being collected.
            _metrics.Consumed.Inc(_batch.Count);
            _metrics.BatchSize.Observe(_batch.Count);
            // While the previous batch's commit is in flight, this one is processed (not sent): if that commit
            // fails, the previous batch is redone first and this one is processed again after it.
            var processed = _inFlight is null ? null : TryProcess(_batch);
            var previousCommitted = FinishInFlight(consumer, delivery, stopping);
            ProcessUntilCommitted(_batch, previousCommitted ? processed : null, leaveInFlight: true, consumer, delivery, stopping);
            _batch.Clear();
        }

        FinishInFlight(consumer, delivery, stopping);
    }

    /// <summary>Stopping on a fatal error: waits out a commit still running, so the producer outlives it.</summary>
    public void AwaitCommitInFlight() => _inFlight?.Commit.ContinueWith(_ => { }, TaskScheduler.Default).Wait();

    /// <summary>Runs inside <c>Consume</c> on this thread when partitions move to another member.</summary>
    public void Revoked(IEnumerable<TopicPartition> partitions, string how)
    {
        var gone = partitions.ToHashSet();
        _starts?.Revoked(gone);
        _stallWatch.Revoked(gone);
        if (_inFlight is { } inFlight && inFlight.Records.Exists(r => gone.Contains(r.TopicPartition)))
        {
            // The new owner starts from the committed offsets: let the commit under way land first.
            _readiness.Step(_definition.Role, $"finishing the commit of {inFlight.Count} records before giving partitions up");
            try
            {
                inFlight.Commit.Wait();
            }
            catch (AggregateException)
            {
                // Failed: FinishInFlight redoes the batch without these partitions.
            }

            inFlight.Records.RemoveAll(r => gone.Contains(r.TopicPartition));
        }

        _processor.PartitionsRevoked(gone);
        var dropped = _batch.RemoveAll(r => gone.Contains(r.TopicPartition));
        _metrics.Revoked.Inc(dropped);
        LogRevoked(_definition.Role, how, string.Join(',', gone), dropped);
    }

    private void CollectBatch(IConsumer<byte[], byte[]> consumer, CancellationToken stopping)
    {
        var maxDelay = TimeSpan.FromMilliseconds(_definition.Batching.MaxBatchDelayMs);
        long firstArrival = 0;
        while (_batch.Count < _definition.Batching.MaxBatchSize)
        {
            var wait = IdlePoll;
            if (_batch.Count > 0)
            {
                var remaining = maxDelay - _time.GetElapsedTime(firstArrival);
                if (remaining <= TimeSpan.Zero)
                {
                    return;
                }

                wait = remaining < IdlePoll ? remaining : IdlePoll;
            }
            else if (stopping.IsCancellationRequested)
            {
                return;
            }
            else if (_inFlight is not null)
            {
                // A commit is in flight and nothing has arrived yet: look briefly, then let the loop finish the
                // commit rather than leave it unacknowledged until the next record comes.
                wait = InFlightPoll;
            }

            ConsumeResult<byte[], byte[]>? result;
            try
            {
                result = consumer.Consume(wait);
            }
            catch (ConsumeException e) when (RetentionLossRecovery.Handles(e))
            {
                // A position the broker could not serve: count what retention deleted, go on from the earliest record.
                _retention.Recover(consumer, e);
                _stallWatch.Revoked([e.ConsumerRecord.TopicPartition]);
                continue;
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                // librdkafka retries fetches itself; a surfaced error is worth counting, not worth stopping for.
                _metrics.Errors($"consume_{e.Error.Code}").Inc();
                LogConsumeError(_definition.Role, e.Error.Code, e.Error.Reason);
                continue;
            }

            _pauses.Settle(consumer);

            if (result is null || result.IsPartitionEOF)
            {
                Place(consumer);
                _stallWatch.Check(consumer, p => _starts?.Waits(p) == true);
                if (_assignmentWait?.Check() == true)
                {
                    // Nothing is assigned, so nothing is revoked: leaving and joining only restarts the rebalance.
                    consumer.Unsubscribe();
                    _assignmentWait.Subscribed();
                    consumer.Subscribe(_definition.InputTopics);
                }

                if (stopping.IsCancellationRequested || (_batch.Count == 0 && _inFlight is not null))
                {
                    return;
                }

                continue;
            }

            if (_starts?.Holds(result.TopicPartition) == true)
            {
                // Its partition waits for its offset from the journal; it is read again from there.
                Place(consumer);
                continue;
            }

            if (_batch.Count == 0)
            {
                firstArrival = _time.GetTimestamp();
            }

            _stallWatch.Read(result);
            _batch.Add(result);
        }
    }

    /// <summary>Starts the partitions that waited for the offset journal once it is read.</summary>
    private void Place(IConsumer<byte[], byte[]> consumer)
    {
        if (_starts is not null)
        {
            _stallWatch.Started(_starts.Place(consumer));
        }
    }

    /// <summary>
    /// Processes the batch (unless <paramref name="processed"/> holds its outputs already) and delivers it, retrying
    /// with backoff until it is committed. A first attempt whose delivery completes in the background returns once
    /// the batch is sent, leaving its commit in flight (<see cref="FinishInFlight"/>).
    /// </summary>
    private void ProcessUntilCommitted(List<ConsumeResult<byte[], byte[]>> batch, IReadOnlyList<OutgoingMessage>? processed, bool leaveInFlight,
        IConsumer<byte[], byte[]> consumer, IBatchDelivery delivery, CancellationToken stopping)
    {
        var role = _definition.Role;
        // The processor's outputs are kept when an attempt fails only because some of them can never be produced:
        // the screen then dead-letters those inputs and the same outputs go again at once.
        var raw = processed;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                delivery.Reset();
                if (batch.Count == 0)
                {
                    // Every partition of the batch moved to another member while it was retried.
                    ResumeAfterFailure(consumer, attempt);
                    return;
                }

                raw ??= Process(batch);
                var outputs = _screen.Apply(raw);
                var offsets = NextOffsets(batch);
                _readiness.Step(role, $"delivering {outputs.Count} records");
                delivery.Send(outputs, offsets);
                if (attempt == 1 && leaveInFlight && delivery.CompletesInBackground)
                {
                    List<ConsumeResult<byte[], byte[]>> records = [.. batch];
                    _inFlight = new InFlightBatch(records, records.Count, offsets, raw, outputs, Task.Run(delivery.Complete, CancellationToken.None));
                    return;
                }

                delivery.Complete();
                _metrics.Committed.Inc(batch.Count);
                OnCommitted(outputs, offsets);
                RecordLag(consumer, offsets);
                ResumeAfterFailure(consumer, attempt);
                return;
            }
            catch (KafkaException e) when (e.Error.IsFatal)
            {
                LogFatal(e, role, e.Error.Reason);
                throw;
            }
            catch (UndeliverableOutputsException e) when (_screen.Reject(e.Refused))
            {
                // Not transient, so no backoff and not counted as an error: the filter made the refused outputs' inputs
                // dead letters (logged and counted as such on commit) and the rest of the batch goes again at once.
                // When the screen cannot help (nothing left to cut), the handler below backs off as for any failure.
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                raw = null;
                var kind = e is KafkaException ke ? $"kafka_{ke.Error.Code}" : e.GetType().Name;
                _metrics.Errors(kind).Inc();
                _metrics.Ready.Set(0);
                _readiness.NotReady(role, $"retrying after {kind}: {e.Message}");
                var backoff = RetryBackoff.After(attempt);
                LogRetrying(e, role, batch.Count, attempt, backoff.TotalMilliseconds);
                if (attempt == 1)
                {
                    _pauses.PauseAll(consumer);
                }

                _readiness.Step(role, $"backing off {backoff.TotalSeconds:F1} s before attempt {attempt + 1}");
                if (KeepAliveUntil(consumer, backoff, stopping))
                {
                    // Stopping while the batch cannot be completed: its offsets stay uncommitted and the
                    // records are delivered again to whoever owns the partitions next. Nothing is lost.
                    TryReset(delivery);
                    LogAbandoned(role, batch.Count);
                    return;
                }
            }
        }
    }

    private IReadOnlyList<OutgoingMessage> Process(List<ConsumeResult<byte[], byte[]>> batch)
    {
        _readiness.Step(_definition.Role, $"processing {batch.Count} records");
        var started = _time.GetTimestamp();
        // Cancellation is not passed in: a started batch runs to completion so that shutdown drains it.
        var outputs = _processor.ProcessAsync(batch, CancellationToken.None).GetAwaiter().GetResult();
        _metrics.BatchDuration.Observe(_time.GetElapsedTime(started).TotalSeconds);
        return outputs;
    }

    /// <summary>Processes ahead of delivery; a failure is left to <see cref="ProcessUntilCommitted"/>, which processes again and retries.</summary>
    private IReadOnlyList<OutgoingMessage>? TryProcess(List<ConsumeResult<byte[], byte[]>> batch)
    {
        try
        {
            return Process(batch);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Waits for the commit in flight; true when it landed. When it failed, that batch is redone (aborted, processed
    /// again, delivered with retries) before anything after it is sent, so offsets still move in order.
    /// </summary>
    private bool FinishInFlight(IConsumer<byte[], byte[]> consumer, IBatchDelivery delivery, CancellationToken stopping)
    {
        if (_inFlight is not { } inFlight)
        {
            return true;
        }

        _inFlight = null;
        _readiness.Step(_definition.Role, $"committing {inFlight.Count} records");
        try
        {
            inFlight.Commit.GetAwaiter().GetResult();
            _metrics.Committed.Inc(inFlight.Count);
            OnCommitted(inFlight.Sent, inFlight.Offsets);
            RecordLag(consumer, inFlight.Offsets);
            return true;
        }
        catch (KafkaException e) when (e.Error.IsFatal)
        {
            LogFatal(e, _definition.Role, e.Error.Reason);
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var kind = e is KafkaException ke ? $"kafka_{ke.Error.Code}" : e.GetType().Name;
            _metrics.Errors(kind).Inc();
            LogRetrying(e, _definition.Role, inFlight.Records.Count, 1, 0);
            // Outputs refused for good are dead-lettered and the rest sent again as they were, unless partitions
            // moved away meanwhile: then the batch is processed again without them.
            var resend = e is UndeliverableOutputsException undeliverable && inFlight.Records.Count == inFlight.Count && _screen.Reject(undeliverable.Refused)
                ? inFlight.Raw
                : null;
            ProcessUntilCommitted(inFlight.Records, resend, leaveInFlight: false, consumer, delivery, stopping);
            return false;
        }
    }

    /// <summary>A batch is committed: its records count once, as what became of them, and the role made progress.</summary>
    private void OnCommitted(IReadOnlyList<OutgoingMessage> sent, List<TopicPartitionOffset> offsets)
    {
        _screen.Forget(offsets);
        _processor.Committed(sent);
        _readiness.Progressed(_definition.Role);
    }

    private void ResumeAfterFailure(IConsumer<byte[], byte[]> consumer, int attempt)
    {
        if (attempt > 1)
        {
            _pauses.ResumeAll(consumer);
            _stallWatch.Resumed();
            LogRecovered(_definition.Role, attempt - 1);
        }

        _readiness.Ready(_definition.Role);
        _metrics.Ready.Set(1);
    }

    private void TryReset(IBatchDelivery delivery)
    {
        try
        {
            delivery.Reset();
        }
        catch (KafkaException e)
        {
            // Best effort while stopping: an open transaction times out on the coordinator (and is aborted at once
            // by the next instance with this transactional id), so its output never becomes visible.
            LogResetFailed(e, _definition.Role);
        }
    }

    /// <summary>The offset to commit per partition: one past the batch's last record there.</summary>
    private static List<TopicPartitionOffset> NextOffsets(List<ConsumeResult<byte[], byte[]>> batch)
    {
        var next = new Dictionary<TopicPartition, long>();
        foreach (var record in batch)
        {
            var offset = record.Offset.Value + 1;
            if (!next.TryGetValue(record.TopicPartition, out var current) || offset > current)
            {
                next[record.TopicPartition] = offset;
            }
        }

        return next.Select(kv => new TopicPartitionOffset(kv.Key, kv.Value)).ToList();
    }

    private void RecordLag(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> offsets)
    {
        foreach (var committed in offsets)
        {
            var watermarks = consumer.GetWatermarkOffsets(committed.TopicPartition);
            if (watermarks.High != Offset.Unset)
            {
                _metrics.Lag(committed.Topic, committed.Partition.Value).Set(Math.Max(0, watermarks.High.Value - committed.Offset.Value));
            }
        }
    }

    /// <summary>Polls the paused consumer (keeping its group membership) until the backoff ends; true when stopping.</summary>
    private bool KeepAliveUntil(IConsumer<byte[], byte[]> consumer, TimeSpan backoff, CancellationToken stopping)
    {
        var started = _time.GetTimestamp();
        while (_time.GetElapsedTime(started) < backoff)
        {
            if (stopping.IsCancellationRequested)
            {
                return true;
            }

            // Partitions are paused: this serves rebalances and heartbeats, and returns no records but from a
            // partition assigned during this very poll, which is put back to be read after the back-off.
            var record = consumer.Consume(IdlePoll);
            _pauses.Settle(consumer);
            if (record is { IsPartitionEOF: false })
            {
                AssignmentPauses.PutBack(consumer, record);
            }
        }

        return stopping.IsCancellationRequested;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} consume error {Code}: {Reason}")]
    private partial void LogConsumeError(string role, ErrorCode code, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} assigned {Partitions} (@ where it resumes: Unset = the group's committed offset, End = held until the offset journal is read)")]
    private partial void LogAssigned(string role, string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} partitions {How}: {Partitions}; {Dropped} records of the unfinished batch left to their new owner")]
    private partial void LogRevoked(string role, string how, string partitions, int dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} could not abort its open transaction while stopping; the coordinator will")]
    private partial void LogResetFailed(Exception exception, string role);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} failed a batch of {Count} records (attempt {Attempt}); retrying in {BackoffMs:F0} ms")]
    private partial void LogRetrying(Exception exception, string role, int count, int attempt, double backoffMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} recovered after {Failures} failed attempts")]
    private partial void LogRecovered(string role, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} stopping with an uncommitted batch of {Count} records; they will be delivered again")]
    private partial void LogAbandoned(string role, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Role} hit a fatal Kafka error: {Reason}")]
    private partial void LogFatal(Exception exception, string role, string reason);

    /// <summary>A sent batch whose commit runs in the background; <see cref="Records"/> shrink when partitions move.</summary>
    /// <param name="Raw">The processor's outputs, kept to send again should some of them be refused for good.</param>
    /// <param name="Sent">What was sent: <paramref name="Raw"/> after <see cref="OutputScreen"/>.</param>
    private sealed record InFlightBatch(List<ConsumeResult<byte[], byte[]>> Records, int Count, List<TopicPartitionOffset> Offsets,
        IReadOnlyList<OutgoingMessage> Raw, IReadOnlyList<OutgoingMessage> Sent, Task Commit);
}
