using System.Collections.Frozen;
using EasyHard.Contracts.Codecs;
using Prometheus;

namespace EasyHard.Ingest;

/// <summary>
/// Ingest's data metrics (the Kafka shell exports throughput, lag and batch latency). Every reason's labelled
/// child is created up front, so each DLQ series exists at zero before the first bad record and dashboards
/// always have data.
/// </summary>
public static class IngestMetrics
{
    public static readonly Counter RecordsAccepted = Metrics.CreateCounter(
        "easyhard_ingest_records_accepted_total", "Records parsed, validated and forwarded as canonical samples.");

    private static readonly Counter DeadLettered = Metrics.CreateCounter(
        "easyhard_ingest_records_dead_lettered_total", "Records sent to the dead-letter topic, by reason code.", "reason");

    /// <summary>Size of every record value Ingest reads, accepted or not.</summary>
    public static readonly Histogram RecordBytes = Metrics.CreateHistogram(
        "easyhard_ingest_record_bytes", "Size of consumed record values in bytes.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(64, 4, 10) });

    private static readonly FrozenDictionary<string, Counter.Child> DeadLetteredByReason =
        RejectReasons.Ingest.ToFrozenDictionary(reason => reason, reason => DeadLettered.WithLabels(reason), StringComparer.Ordinal);

    /// <summary>The cached child for a reason code from <see cref="RejectReasons"/>.</summary>
    public static Counter.Child DeadLetteredFor(string reason) =>
        DeadLetteredByReason.TryGetValue(reason, out var child) ? child : DeadLettered.WithLabels(reason);
}
