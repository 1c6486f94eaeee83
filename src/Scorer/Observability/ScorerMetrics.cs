using System.Globalization;
using Prometheus;

namespace EasyHard.Scorer;

/// <summary>Prometheus metrics of the scorer (<c>easyhard_scorer_*</c>); labelled children are resolved once and cached.</summary>
public static class ScorerMetrics
{
    private static readonly double[] UnitBuckets = Histogram.LinearBuckets(0.05, 0.05, 20);

    public static readonly Counter SamplesScored = Metrics.CreateCounter(
        "easyhard_scorer_samples_scored_total", "Samples scored by the proxy ensemble.");

    public static readonly Counter SamplesWarming = Metrics.CreateCounter(
        "easyhard_scorer_samples_warming_total", "Samples scored while the proxy was still warming up (weight 1).");

    public static readonly Counter SamplesQuarantined = Metrics.CreateCounter(
        "easyhard_scorer_samples_quarantined_total", "Samples whose noise passed the quarantine threshold.");

    public static readonly Counter DeadLetters = Metrics.CreateCounter(
        "easyhard_scorer_dead_letters_total", "Records the scorer could not accept, by reason.", new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Histogram Difficulty = Metrics.CreateHistogram(
        "easyhard_scorer_difficulty_ratio", "Distribution of difficulty = 1 − p̄_y.", new HistogramConfiguration { Buckets = UnitBuckets });

    public static readonly Histogram Noise = Metrics.CreateHistogram(
        "easyhard_scorer_noise_ratio", "Distribution of the noise probability.", new HistogramConfiguration { Buckets = UnitBuckets });

    public static readonly Histogram Weight = Metrics.CreateHistogram(
        "easyhard_scorer_weight_ratio", "Distribution of sample weights (mean 1).",
        new HistogramConfiguration { Buckets = [0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.1, 1.25, 1.5, 2, 3, 5, 10] });

    public static readonly Gauge ClassNoiseRate = Metrics.CreateGauge(
        "easyhard_scorer_class_noise_rate_ratio", "Running mean noise per class.", new GaugeConfiguration { LabelNames = ["class"] });

    public static readonly Gauge ProxyAccuracy = Metrics.CreateGauge(
        "easyhard_scorer_proxy_accuracy_ratio", "Running prequential accuracy of the proxy ensemble against the given labels.");

    public static readonly Gauge ModelVersion = Metrics.CreateGauge(
        "easyhard_scorer_model_version_steps", "Training steps taken by the proxy (model_version).");

    public static readonly Counter CheckpointSaves = Metrics.CreateCounter(
        "easyhard_scorer_checkpoint_saves_total", "Checkpoints written.");

    private static readonly Lock ChildLock = new();
    private static Gauge.Child[] classNoiseChildren = [];
    private static readonly Dictionary<string, Counter.Child> DeadLetterChildren = [];

    /// <summary>Per-class noise gauge children, created once per class count.</summary>
    public static Gauge.Child ClassNoise(int label)
    {
        var children = classNoiseChildren;
        if ((uint)label < (uint)children.Length)
        {
            return children[label];
        }

        lock (ChildLock)
        {
            if (label >= classNoiseChildren.Length)
            {
                var grown = new Gauge.Child[label + 1];
                classNoiseChildren.CopyTo(grown, 0);
                for (int c = classNoiseChildren.Length; c < grown.Length; c++)
                {
                    grown[c] = ClassNoiseRate.WithLabels(c.ToString(CultureInfo.InvariantCulture));
                }

                classNoiseChildren = grown;
            }

            return classNoiseChildren[label];
        }
    }

    public static Counter.Child DeadLetter(string reason)
    {
        lock (ChildLock)
        {
            if (!DeadLetterChildren.TryGetValue(reason, out var child))
            {
                child = DeadLetters.WithLabels(reason);
                DeadLetterChildren[reason] = child;
            }

            return child;
        }
    }
}
