using Prometheus;

namespace EasyHard.Scorer.State;

/// <summary>Metrics of the per-id history that moves with its input partitions (<see cref="HistoryChangelog"/>).</summary>
internal static class StateMetrics
{
    public static readonly Counter Written = Metrics.CreateCounter(
        "easyhard_scorer_state_written_total", "History records the scorer wrote to its changelog topic.");

    public static readonly Counter Restored = Metrics.CreateCounter(
        "easyhard_scorer_state_restored_total", "History records restored from the changelog when input partitions were assigned.");

    public static readonly Counter Dropped = Metrics.CreateCounter(
        "easyhard_scorer_state_dropped_total", "History records forgotten when their input partitions were revoked.");

    public static readonly Counter Malformed = Metrics.CreateCounter(
        "easyhard_scorer_state_malformed_total", "Changelog records that could not be read back (another format, truncated), skipped.");

    public static readonly Histogram RestoreSeconds = Metrics.CreateHistogram(
        "easyhard_scorer_state_restore_seconds", "Time to restore the history of the partitions of one assignment.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.01, 2, 14) });
}
