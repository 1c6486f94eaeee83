using Prometheus;

namespace EasyHard.Scorer.Sync;

/// <summary>Metrics of model averaging across scorer instances (<see cref="ModelSync"/>).</summary>
internal static class SyncMetrics
{
    public static readonly Counter Published = Metrics.CreateCounter(
        "easyhard_scorer_sync_published_total", "Models this instance published to the model topic.");

    public static readonly Counter PublishedBytes = Metrics.CreateCounter(
        "easyhard_scorer_sync_published_bytes_total", "Bytes of the models this instance published (the sync traffic it adds to Kafka).");

    public static readonly Counter Merges = Metrics.CreateCounter(
        "easyhard_scorer_sync_merges_total", "Times this instance averaged its peers' models into its own.");

    public static readonly Counter PeerModels = Metrics.CreateCounter(
        "easyhard_scorer_sync_peer_models_total",
        "Models read from the model topic, by result: merged, superseded (a newer one came first), own, and the ignored: stale, format, layout, malformed, failed (publish errors).",
        new CounterConfiguration { LabelNames = ["result"] });

    public static readonly Gauge Peers = Metrics.CreateGauge(
        "easyhard_scorer_sync_peers", "Peers whose models the last merge averaged in.");

    public static readonly Histogram Staleness = Metrics.CreateHistogram(
        "easyhard_scorer_sync_staleness_seconds", "Age of a peer's model when it is merged.",
        new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.25, 2, 12) });

    public static Counter.Child Result(string result) => PeerModels.WithLabels(result);
}
