using Prometheus;

namespace EasyHard.Core.Observability;

/// <summary>
/// The Kafka shell's metrics for one role, named <c>easyhard_&lt;role&gt;_&lt;what&gt;_&lt;unit&gt;</c>.
/// One instance per role; labelled children are resolved once and cached.
/// </summary>
public sealed class PipelineMetrics
{
    private static readonly Dictionary<string, PipelineMetrics> ByRole = new(StringComparer.Ordinal);

    private readonly Counter _produced;
    private readonly Counter _errors;
    private readonly Gauge _lag;
    private readonly Dictionary<string, Counter.Child> _producedByTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counter.Child> _errorsByKind = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, int), Gauge.Child> _lagByPartition = [];
    private readonly Counter _lostToRetention;
    private readonly Dictionary<(string, int), Counter.Child> _lostByPartition = [];
    private readonly Counter.Child _committedTransactions;
    private readonly Counter.Child _abortedTransactions;

    private PipelineMetrics(string role)
    {
        Role = role;
        var prefix = $"easyhard_{role}_";
        Consumed = Metrics.CreateCounter(prefix + "records_consumed_total", $"Records the {role} role consumed.");
        Committed = Metrics.CreateCounter(prefix + "records_committed_total", $"Records whose offsets the {role} role committed.");
        _produced = Metrics.CreateCounter(prefix + "records_produced_total", $"Records the {role} role produced, by topic.", "topic");
        _errors = Metrics.CreateCounter(prefix + "errors_total", $"Transient failures of the {role} role, by kind; each is retried.", "kind");
        _lag = Metrics.CreateGauge(prefix + "consumer_lag_records", $"High watermark minus next offset of the {role} role's consumer.", "topic", "partition");
        BatchSize = Metrics.CreateHistogram(prefix + "batch_size_records", $"Records per micro-batch of the {role} role.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 14) });
        var seconds = new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) };
        BatchDuration = Metrics.CreateHistogram(prefix + "batch_duration_seconds", $"Time the {role} role's core spent on one batch.", seconds);
        ProduceDuration = Metrics.CreateHistogram(prefix + "produce_duration_seconds", $"Time from first produce to last delivery report of a batch ({role}).", seconds);
        CommitDuration = Metrics.CreateHistogram(prefix + "commit_duration_seconds", $"Time to commit a batch's offsets ({role}).", seconds);
        Ready = Metrics.CreateGauge(prefix + "ready", $"1 when the {role} role is ready, 0 while it retries a failure.");
        var transactions = Metrics.CreateCounter(prefix + "transactions_total",
            $"Kafka transactions of the {role} role (exactly-once delivery), by outcome.", "outcome");
        _committedTransactions = transactions.WithLabels("committed");
        _abortedTransactions = transactions.WithLabels("aborted");
        _lostToRetention = Metrics.CreateCounter(prefix + "records_lost_to_retention_total",
            $"Input records the broker deleted (retention) before the {role} role read them, by topic and partition.", "topic", "partition");
        Revoked = Metrics.CreateCounter(prefix + "records_revoked_total",
            $"Records the {role} role dropped from an unfinished batch because their partition moved to another member (the new owner processes them).");
    }

    public Counter Revoked { get; }

    /// <summary>Transactions by outcome: <c>committed</c> or <c>aborted</c>.</summary>
    public Counter.Child Transactions(string outcome) => outcome switch
    {
        "committed" => _committedTransactions,
        "aborted" => _abortedTransactions,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "expected 'committed' or 'aborted'"),
    };

    public string Role { get; }

    public Counter Consumed { get; }

    public Counter Committed { get; }

    public Histogram BatchSize { get; }

    public Histogram BatchDuration { get; }

    public Histogram ProduceDuration { get; }

    public Histogram CommitDuration { get; }

    public Gauge Ready { get; }

    public static PipelineMetrics For(string role) => Cached(ByRole, role, r => new PipelineMetrics(r));

    public Counter.Child Produced(string topic) => Cached(_producedByTopic, topic, t => _produced.WithLabels(t));

    public Counter.Child Errors(string kind) => Cached(_errorsByKind, kind, k => _errors.WithLabels(k));

    public Gauge.Child Lag(string topic, int partition) => Cached(_lagByPartition, (topic, partition),
        key => _lag.WithLabels(key.Item1, key.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public Counter.Child LostToRetention(string topic, int partition) => Cached(_lostByPartition, (topic, partition),
        key => _lostToRetention.WithLabels(key.Item1, key.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Records lost to retention on every topic and partition so far.</summary>
    public double LostToRetentionTotal
    {
        get
        {
            lock (_lostByPartition)
            {
                return _lostByPartition.Values.Sum(c => c.Value);
            }
        }
    }

    /// <summary>The cached value for <paramref name="key"/>, created once; the cache itself is the lock.</summary>
    private static TValue Cached<TKey, TValue>(Dictionary<TKey, TValue> cache, TKey key, Func<TKey, TValue> create)
        where TKey : notnull
    {
        lock (cache)
        {
            if (!cache.TryGetValue(key, out var value))
            {
                value = create(key);
                cache[key] = value;
            }

            return value;
        }
    }
}
