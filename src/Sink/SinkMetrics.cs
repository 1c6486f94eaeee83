using System.Collections.Concurrent;
using Prometheus;

namespace EasyHard.Sink;

/// <summary>
/// Prometheus metrics of the Sink (<c>easyhard_sink_*</c>). Labels are low-cardinality (topic, reason); labelled
/// children are resolved once and cached so the hot path does no label lookup.
/// </summary>
public static class SinkMetrics
{
    public static readonly Counter RowsWritten = Metrics.CreateCounter(
        "easyhard_sink_rows_written_total",
        "Scored samples upserted into sample_scores (redeliveries included; the upsert makes them no-ops).");

    public static readonly Histogram SqlWriteDuration = Metrics.CreateHistogram(
        "easyhard_sink_sql_write_duration_seconds",
        "Duration of one batched SQL write (one transaction per micro-batch).",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16) });

    public static readonly Counter SqlErrors = Metrics.CreateCounter(
        "easyhard_sink_sql_errors_total",
        "Failed batched SQL writes; the batch is retried with backoff and its offsets stay uncommitted.");

    public static readonly Counter Emitted = Metrics.CreateCounter(
        "easyhard_sink_emitted_total",
        "Records the Sink produced, by destination topic, counted once when their batch commits.",
        new CounterConfiguration { LabelNames = ["topic"] });

    public static readonly Counter Quarantined = Metrics.CreateCounter(
        "easyhard_sink_quarantined_total",
        "Scored samples flagged as quarantined (label noise above the threshold).");

    public static readonly Counter DeadLetters = Metrics.CreateCounter(
        "easyhard_sink_dead_letters_total",
        "Scored records the Sink could not accept, by reason.",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Histogram Weight = Metrics.CreateHistogram(
        "easyhard_sink_weight",
        "Distribution of the training weights handed to trainers (dimensionless, mean 1 by design).",
        new HistogramConfiguration { Buckets = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2, 3, 5, 10] });

    private static readonly ConcurrentDictionary<string, Counter.Child> EmittedByTopic = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Counter.Child> DeadLettersByReason = new(StringComparer.Ordinal);

    /// <summary>The cached child of <see cref="Emitted"/> for a topic (topics are few and fixed by config).</summary>
    public static Counter.Child EmittedTo(string topic) => EmittedByTopic.GetOrAdd(topic, static t => Emitted.WithLabels(t));

    /// <summary>The cached child of <see cref="DeadLetters"/> for a reason code (a small fixed set).</summary>
    public static Counter.Child DeadLettered(string reason) => DeadLettersByReason.GetOrAdd(reason, static r => DeadLetters.WithLabels(r));
}
