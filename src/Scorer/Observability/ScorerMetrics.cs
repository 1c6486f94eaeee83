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

    public static readonly Gauge NoiseRateEstimate = Metrics.CreateGauge(
        "easyhard_scorer_noise_rate_estimate_ratio",
        "The label-noise rate the noise score is calibrated to (estimate=calibrated) and the estimates it weighs (disagreement, joint, mixture).",
        new GaugeConfiguration { LabelNames = ["estimate"] });

    public static readonly Gauge ProxyAccuracy = Metrics.CreateGauge(
        "easyhard_scorer_proxy_accuracy_ratio", "Running prequential accuracy of the proxy ensemble against the given labels.");

    public static readonly Gauge ModelVersion = Metrics.CreateGauge(
        "easyhard_scorer_model_version_steps", "Training steps taken by the proxy (model_version).");

    public static readonly Counter CheckpointSaves = Metrics.CreateCounter(
        "easyhard_scorer_checkpoint_saves_total", "Checkpoints written.");

    public static readonly Gauge DeviceMemoryBytes = Metrics.CreateGauge(
        "easyhard_scorer_device_memory_bytes", "Bytes held by the proxy's tensors (parameters, gradients, optimizer state; reference model included), by device.",
        new GaugeConfiguration { LabelNames = ["device"] });

    public static readonly Gauge HistoryIds = Metrics.CreateGauge(
        "easyhard_scorer_sample_history_ids", "Sample ids held in the per-id history (loss EMA, AUM, forgetting events).");

    public static readonly Counter HistoryEvictions = Metrics.CreateCounter(
        "easyhard_scorer_sample_history_evictions_total", "Ids dropped from the per-id history to stay within Scorer:Statistics:SampleHistoryCapacity.");

    public static readonly Counter NonFiniteSamples = Metrics.CreateCounter(
        "easyhard_scorer_non_finite_samples_total", "Samples whose proxy outputs were not finite: excluded from training, weight 0, quarantined.");

    public static readonly Counter NonFiniteTrainSteps = Metrics.CreateCounter(
        "easyhard_scorer_non_finite_train_steps_skipped_total", "Optimizer steps skipped because the minibatch loss was not finite.");

    public static readonly Counter FeedbackRecords = Metrics.CreateCounter(
        "easyhard_scorer_feedback_records_total", "Records read from the feedback topic, by result (applied, rejected).", new CounterConfiguration { LabelNames = ["result"] });

    public static readonly Counter TargetRecords = Metrics.CreateCounter(
        "easyhard_scorer_target_records_total", "Records read from the targets topic, by result (applied, rejected).", new CounterConfiguration { LabelNames = ["result"] });

    public static readonly Counter FeedbackLossesUsed = Metrics.CreateCounter(
        "easyhard_scorer_feedback_losses_used_total", "Scored samples whose loss policy used the trainer's loss from feedback instead of the proxy's.");

    public static readonly Counter SamplesUnderLoad = Metrics.CreateCounter(
        "easyhard_scorer_samples_under_load_total",
        "Samples scored with the under-load settings (Scorer:Proxy:RehearsalRatioUnderLoad, Scorer:Neighbours:CapacityUnderLoad): consumed in a full batch while no trainer group set the pace.");

    public static readonly Gauge TrainerBacklog = Metrics.CreateGauge(
        "easyhard_scorer_trainer_backlog_records", "Records waiting on the trainer topics for each group named in Scorer:Load:TrainerGroups, at the last read.", "group");

    public static readonly Gauge TrainersBehind = Metrics.CreateGauge(
        "easyhard_scorer_trainers_behind", "1 while the slowest live trainer group has Scorer:Load:TrainerBacklogRecords or more waiting: the scorer keeps its full quality under load.");

    public static readonly Histogram ReducibleLoss = Metrics.CreateHistogram(
        "easyhard_scorer_reducible_loss_nats", "Distribution of reducible loss = loss − reference loss (RHO-LOSS), when a reference model is configured.",
        new HistogramConfiguration { Buckets = Histogram.LinearBuckets(-4, 0.5, 17) });

    /// <summary>Class labels beyond this share no per-class gauge (keeps the label set small).</summary>
    public const int MaxClassLabels = 1000;

    private static readonly Lock ChildLock = new();
    private static Gauge.Child deviceMemory = DeviceMemoryBytes.WithLabels("cpu");

    /// <summary>Applied/rejected children of the feedback and target counters (created eagerly).</summary>
    public static readonly Counter.Child FeedbackApplied = FeedbackRecords.WithLabels("applied");

    public static readonly Counter.Child FeedbackRejected = FeedbackRecords.WithLabels("rejected");

    public static readonly Counter.Child TargetApplied = TargetRecords.WithLabels("applied");

    public static readonly Counter.Child TargetRejected = TargetRecords.WithLabels("rejected");

    /// <summary>The device-memory child for the device the proxy runs on.</summary>
    public static Gauge.Child DeviceMemory => deviceMemory;

    /// <summary>Creates the labelled children a scorer on <paramref name="device"/> with <paramref name="classes"/> classes reports, so every panel has data from the start.</summary>
    public static void Initialize(string device, int classes)
    {
        deviceMemory = DeviceMemoryBytes.WithLabels(device);
        for (int c = 0; c < Math.Min(classes, MaxClassLabels); c++)
        {
            ClassNoise(c);
        }
    }

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
