using Confluent.Kafka;
using EasyHard.Core.Hosting;
using EasyHard.Core.Observability;
using Microsoft.Extensions.Logging;

namespace EasyHard.Core.Embedded;

/// <summary>
/// Places a role's assigned partitions at their offsets from the <see cref="OffsetJournal"/>, and holds them while the
/// journal cannot be read. Without the journal a partition's only other start is the group's committed offset, which
/// the mock cluster never stores: starting there would replay or skip input. So a partition whose journal read failed
/// is assigned at its end, paused, and every record it yields is dropped (<see cref="Holds"/>) until a later read
/// succeeds; it then restarts at its journal offset. The other partitions of the role go on meanwhile. A failed read
/// is logged, counted (<c>easyhard_&lt;role&gt;_errors_total{kind="offset_journal_unread"}</c>), shown on
/// <c>/health/ready</c>, and retried with backoff; while partitions wait, the role counts as holding input, so
/// <c>/health/live</c> fails after <c>Delivery:StallTimeoutMs</c> if the journal never becomes readable.
/// All calls come from the role's consume thread (its rebalance callbacks run there too).
/// </summary>
/// <param name="read">The journal read: the start of each partition, or a <see cref="KafkaException"/>.</param>
internal sealed partial class JournalStarts(string role, string journalTopic,
    Func<IReadOnlyCollection<TopicPartition>, Action<string>?, IReadOnlyList<TopicPartitionOffset>> read,
    PipelineMetrics metrics, RoleReadiness readiness, TimeProvider time, ILogger logger)
{
    /// <summary>The error kind a failed read is counted as.</summary>
    public const string ErrorKind = "offset_journal_unread";

    private readonly HashSet<TopicPartition> _waiting = [];
    private readonly string _stallKey = $"{role} (partitions waiting for the offset journal)";
    private bool _paused;
    private int _failures;
    private long _retryAt;

    /// <summary>Partitions assigned but not placed yet.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Where newly assigned partitions start (the assignment callback's answer).</summary>
    public IReadOnlyList<TopicPartitionOffset> Assigned(IReadOnlyCollection<TopicPartition> partitions)
    {
        readiness.Step(role, "reading the offset journal");
        if (TryRead(partitions, out var starts))
        {
            return starts;
        }

        _waiting.UnionWith(partitions);
        _paused = false;
        // The assignment must name every partition. At its end a partition yields only records produced from now on,
        // and those are dropped until it is placed, so nothing is read from a position that is not the journal's.
        return [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.End))];
    }

    /// <summary>
    /// True for a record of a partition that is not placed yet: the caller drops it (it is read again once placed) and
    /// calls <see cref="Place"/>, which pauses the partition again (the shell resumes its whole assignment after a retry).
    /// </summary>
    public bool Holds(TopicPartition partition)
    {
        if (!Waits(partition))
        {
            return false;
        }

        _paused = false;
        return true;
    }

    /// <summary>True for a partition that is assigned but not placed yet.</summary>
    public bool Waits(TopicPartition partition) => _waiting.Contains(partition);

    /// <summary>Partitions that moved to another member need no place here any more.</summary>
    public void Revoked(IEnumerable<TopicPartition> partitions)
    {
        if (_waiting.Count > 0)
        {
            _waiting.ExceptWith(partitions);
            if (_waiting.Count == 0)
            {
                readiness.Idle(_stallKey);
            }
        }
    }

    /// <summary>
    /// Called by the consume loop between polls: pauses the partitions that wait, and once the backoff has passed reads
    /// the journal again and restarts them at their offsets, which it returns (none while they still wait).
    /// </summary>
    public IReadOnlyList<TopicPartitionOffset> Place(IConsumer<byte[], byte[]> consumer)
    {
        if (_waiting.Count == 0)
        {
            return [];
        }

        List<TopicPartition> waiting = [.. _waiting];
        if (!_paused)
        {
            consumer.Pause(waiting);
            _paused = true;
        }

        if (time.GetTimestamp() < _retryAt || !TryRead(waiting, out var starts))
        {
            return [];
        }

        // Partitions lost meanwhile (the session timed out during a long read) are placed again when they come back.
        var started = Reassignment.Restart(consumer, starts);
        _waiting.Clear();
        readiness.Step(role, RoleReadiness.CollectingStep);
        return started;
    }

    private bool TryRead(IReadOnlyCollection<TopicPartition> partitions, out IReadOnlyList<TopicPartitionOffset> starts)
    {
        var started = time.GetTimestamp();
        try
        {
            starts = read(partitions, step => readiness.Step(role, step));
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            starts = [];
            _failures++;
            var backoff = RetryBackoff.After(_failures);
            _retryAt = time.GetTimestamp() + (long)(backoff.TotalSeconds * time.TimestampFrequency);
            metrics.Errors(ErrorKind).Inc();
            readiness.InputPending(_stallKey);
            readiness.NotReady(role, $"{partitions.Count} partitions wait for the offset journal {journalTopic} to be read to its end: {e.Message}");
            readiness.Step(role, $"waiting {backoff.TotalSeconds:F1} s to read the offset journal {journalTopic} again");
            LogUnread(e, role, journalTopic, string.Join(", ", partitions), _failures, backoff.TotalMilliseconds);
            return false;
        }

        if (_failures > 0)
        {
            LogRead(role, journalTopic, _failures, string.Join(", ", starts.Select(s => $"{s.Topic}[{s.Partition.Value}]@{s.Offset}")));
            _failures = 0;
            readiness.Idle(_stallKey);
            readiness.Ready(role);
        }

        LogReadTime(role, journalTopic, partitions.Count, time.GetElapsedTime(started).TotalSeconds);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} could not read the offset journal {JournalTopic} to its end (attempt {Attempt}); partitions {Partitions} wait, paused, for their start offsets; reading again in {BackoffMs:F0} ms")]
    private partial void LogUnread(Exception exception, string role, string journalTopic, string partitions, int attempt, double backoffMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} read the offset journal {JournalTopic} after {Failures} failed attempts; partitions start at {Starts}")]
    private partial void LogRead(string role, string journalTopic, int failures, string starts);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} read the offset journal {JournalTopic} for {Count} partitions in {Seconds:F1} s")]
    private partial void LogReadTime(string role, string journalTopic, int count, double seconds);
}
