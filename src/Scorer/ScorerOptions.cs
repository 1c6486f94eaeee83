using System.ComponentModel.DataAnnotations;
using EasyHard.Core.Configuration;

namespace EasyHard.Scorer;

/// <summary>
/// Scorer configuration (section <c>Scorer</c>). Cross-field rules live in <see cref="ScorerOptionsValidator"/>.
/// </summary>
public sealed class ScorerOptions
{
    public const string SectionName = "Scorer";

    /// <summary>Kafka consumer group of the scorer.</summary>
    [Required(AllowEmptyStrings = false)] public string GroupId { get; set; } = "easyhard-scorer";

    /// <summary>Micro-batch size and latency; one batch = one prequential score-then-train step.</summary>
    [Required] public BatchingOptions Batching { get; set; } = new() { MaxBatchSize = 256, MaxBatchDelayMs = 20 };

    /// <summary><c>auto</c> (CUDA when available, else CPU), <c>cpu</c> or <c>cuda</c>.</summary>
    [Required, RegularExpression("^(?i)(auto|cpu|cuda)$", ErrorMessage = "Scorer:Device must be auto, cpu or cuda.")]
    public string Device { get; set; } = "auto";

    /// <summary>
    /// libtorch intra-op threads of each scoring thread on the CPU. 0 (the default) is automatic: the cores but one,
    /// shared by the <see cref="HeadThreads"/> (<see cref="ResolvedThreads"/>), since the host side of every batch runs
    /// on a core of its own while the heads train, and each parallel region first waits for all its threads to be
    /// scheduled.
    /// </summary>
    [Range(0, 1024)] public int Threads { get; set; }

    /// <summary>
    /// Threads the ensemble's heads are scored and trained on side by side, each thread a contiguous range of heads
    /// (heads share no weights). 0 (the default) is automatic: one per core, at most one per head, where Adam trains
    /// the proxy on the CPU; 1 elsewhere, since libtorch's optimizers and a GPU step all heads at once. A value above
    /// 1 needs Adam on the CPU.
    /// </summary>
    [Range(0, 64)] public int HeadThreads { get; set; }

    /// <summary>The head thread count <see cref="HeadThreads"/> stands for, for a proxy on the CPU or not.</summary>
    public int ResolvedHeadThreads(bool onCpu) => Math.Min(EnsembleSize, HeadThreads > 0 ? HeadThreads : StepsHeadsApart(onCpu) ? Environment.ProcessorCount : 1);

    /// <summary>Why <see cref="HeadThreads"/> cannot be kept for a proxy on the CPU or not; null when it can.</summary>
    public string? HeadThreadsConflict(bool onCpu) => HeadThreads > 1 && !StepsHeadsApart(onCpu)
        ? $"Scorer:HeadThreads ({HeadThreads}) above 1 needs Scorer:Optimizer adam on the CPU; {Optimizer} on {(onCpu ? "cpu" : "cuda")} steps every head at once."
        : null;

    /// <summary>Why <see cref="ScoreDelaySamples"/> cannot be kept with <see cref="Folds"/>; null when it can.</summary>
    public string? LookaheadConflict() => ScoreDelaySamples > 0 && Folds < 2
        ? $"Scorer:ScoreDelaySamples ({ScoreDelaySamples}) needs Scorer:Folds of 2 or more: a delayed sample is scored by the heads that never train on it."
        : null;

    /// <summary>Adam on the CPU steps each head's slice alone; libtorch's optimizers and a GPU step every head at once.</summary>
    private bool StepsHeadsApart(bool onCpu) => onCpu && string.Equals(Optimizer, "adam", StringComparison.OrdinalIgnoreCase);

    /// <summary>The libtorch thread count <see cref="Threads"/> stands for, per scoring thread, with <paramref name="headThreads"/> of them.</summary>
    public int ResolvedThreads(int headThreads) =>
        Threads > 0 ? Threads : Math.Max(1, (Environment.ProcessorCount - 1) / Math.Max(1, headThreads));

    /// <summary>Hidden layer widths of every MLP head.</summary>
    [Required, MinLength(1)] public int[] HiddenSizes { get; set; } = [128];

    /// <summary>Number of heads E in the ensemble.</summary>
    [Range(1, 64)] public int EnsembleSize { get; set; } = 3;

    /// <summary><c>adam</c> or <c>sgd</c>.</summary>
    [Required, RegularExpression("^(?i)(adam|sgd)$", ErrorMessage = "Scorer:Optimizer must be adam or sgd.")]
    public string Optimizer { get; set; } = "adam";

    [Range(1e-7, 10.0)] public double LearningRate { get; set; } = 1e-3;

    /// <summary>
    /// The proxy's learning rate at its first Adam step, as a multiple of <see cref="LearningRate"/>; it falls linearly to
    /// <see cref="LearningRate"/> over <see cref="LearningRateDecaySteps"/> steps (1: constant).
    /// </summary>
    [Range(1.0, 100.0)] public double LearningRateStartFactor { get; set; } = 3.0;

    /// <summary>Adam steps over which the learning rate falls from its start to <see cref="LearningRate"/> (0: constant).</summary>
    [Range(0, 100_000_000)] public long LearningRateDecaySteps { get; set; } = 1000;

    /// <summary>Samples per optimizer step when training on a scored batch (a batch takes ceil(batch / this) steps).</summary>
    [Range(1, 100_000)] public int TrainMinibatchSize { get; set; } = 64;

    /// <summary>Seed of parameter initialisation, bootstrap views and reservoirs.</summary>
    [Range(0, int.MaxValue)] public int Seed { get; set; }

    /// <summary>
    /// Mean of the Poisson per-sample weight each head gives a sample (online bagging, Oza &amp; Russell 2001):
    /// 1 = classic bootstrap, 0 = every head sees every sample with weight 1.
    /// </summary>
    [Range(0.0, 10.0)] public double BootstrapRate { get; set; } = 1.0;

    /// <summary>
    /// K of the cross-fitted ensemble (streaming K-fold): each sample id falls in one of K folds by a stable hash and
    /// head e never trains on fold e mod K, so a repeated id (epochs, backfills, replays) is scored by the heads of its
    /// fold alone, out-of-sample as in K-fold cross-validation. A first exposure is scored by every head (none has
    /// trained on it yet). 1 turns cross-fitting off; at most <see cref="EnsembleSize"/>.
    /// </summary>
    [Range(1, 64)] public int Folds { get; set; } = 3;

    /// <summary>
    /// Samples replayed from the <see cref="RehearsalCapacity"/> buffer per new sample in every training step
    /// (rehearsal: one pass over a stream trains like several epochs over what was seen); 0 turns it off.
    /// </summary>
    [Range(0.0, 16.0)] public double RehearsalRatio { get; set; } = 2.0;

    /// <summary>
    /// The rehearsal ratio for a batch the Kafka scorer consumed full, i.e. while input is waiting and the scorer is the
    /// bottleneck: rehearsal spends the compute the stream leaves over, and gives it back under load. Replay and the
    /// benchmarks, with no consumer to keep up with, always use <see cref="RehearsalRatio"/>.
    /// </summary>
    [Range(0.0, 16.0)] public double RehearsalRatioUnderLoad { get; set; }

    /// <summary>
    /// Lookahead: a sample is scored only after the heads have trained on at least this many later samples, by the
    /// heads of its fold (which never train on it), so it is scored by a model that saw more of the stream; the cost is
    /// latency and memory for the samples held back. 0 (the default) scores each batch before training on it. Needs
    /// <see cref="Folds"/> of 2 or more; used by <c>replay</c> and <c>bench quality</c>, which hold the stream back
    /// themselves (the Kafka scorer emits every batch it consumes and refuses a delay at start).
    /// </summary>
    [Range(0, 10_000_000)] public int ScoreDelaySamples { get; set; }

    /// <summary>
    /// Self-paced training (opt-in): after the warm-up each sample (new or replayed) trains the proxy with weight
    /// min(1, p̂ / τ_y), p̂ the probability of its given label y under heads that never trained on it and τ_y this value
    /// times (1 − the trust in row y of the noise transition); 0 (the default) trains every sample in full. Likely
    /// mislabelled samples teach the proxy less, so it separates them better under symmetric noise (0.1 measured best).
    /// </summary>
    [Range(0.0, 1.0)] public double SelfPacedThreshold { get; set; }

    /// <summary>Samples the rehearsal buffer holds: a uniform reservoir over every sample scored so far (features, label, fold).</summary>
    [Range(0, 10_000_000)] public int RehearsalCapacity { get; set; } = 20_000;

    /// <summary>Samples seen before scores count: until then they are marked warming and weigh 1.</summary>
    [Range(0, int.MaxValue)] public int WarmupSamples { get; set; } = 2000;

    /// <summary>Noise at or above this quarantines a sample; a value above 1 disables quarantine.</summary>
    [Range(0.0, 2.0)] public double QuarantineThreshold { get; set; } = 0.95;

    /// <summary>Exponent γ of the noise factor (1 − noise)^γ.</summary>
    [Range(0.0, 100.0)] public double NoiseGamma { get; set; } = 1.0;

    /// <summary>LinUpper half-width δ: batch losses are scaled to [−δ, δ] (Sow et al. 2025).</summary>
    [Range(1e-6, 1000.0)] public double LossPolicyDelta { get; set; } = 1.0;

    /// <summary>LinUpper softmax temperature r.</summary>
    [Range(1e-6, 1000.0)] public double LossPolicyTemperature { get; set; } = 1.0;

    /// <summary>Samples after warm-up during which the loss policy stays uniform.</summary>
    [Range(0, int.MaxValue)] public int LossPolicyBurnInSamples { get; set; } = 1000;

    [Range(0.0, 1000.0)] public double WeightMin { get; set; } = 0.05;

    [Range(0.0, 1000.0)] public double WeightMax { get; set; } = 5.0;

    /// <summary>Number of recent weights whose mean is held at 1.</summary>
    [Range(1, 10_000_000)] public int RenormalizationWindow { get; set; } = 4096;

    /// <summary>Recent losses/difficulties kept per class for the loss mixture and the bucket quantiles.</summary>
    [Range(16, 1_000_000)] public int ClassWindow { get; set; } = 512;

    /// <summary>Recent clean samples whose mean gradient is the influence target.</summary>
    [Range(1, 1_000_000)] public int InfluenceReservoirSize { get; set; } = 256;

    /// <summary>Per-sample decay of the confident-learning class statistics (1 = plain running mean).</summary>
    [Range(0.9, 1.0)] public double ThresholdDecay { get; set; } = 0.999;

    /// <summary>Batches between recomputations of the influence target's mean gradient (under the model of that moment).</summary>
    [Range(1, 1_000_000)] public int InfluenceRefreshBatches { get; set; } = 8;

    /// <summary>Most recent samples kept from the targets topic (the influence target set when non-empty).</summary>
    [Range(1, 1_000_000)] public int TargetBufferSize { get; set; } = 1024;

    /// <summary>Most recent trainer losses kept from the feedback topic, by sample id.</summary>
    [Range(1, 100_000_000)] public int FeedbackCapacity { get; set; } = 200_000;

    /// <summary>Sample ids whose history (loss EMA, AUM, forgetting events) is kept for later exposures; 0 disables it.</summary>
    [Range(0, 100_000_000)] public int SampleHistoryCapacity { get; set; } = 200_000;

    /// <summary>
    /// Optional frozen reference model (<c>easyhard train-reference</c>); when set, reducible loss = loss − reference
    /// loss (RHO-LOSS, Mindermann et al. 2022) is computed and can drive the loss policy.
    /// </summary>
    public string? ReferenceModelPath { get; set; }

    /// <summary>Weight policies and their parameters (section <c>Scorer:Weighting</c>).</summary>
    [Required] public WeightingOptions Weighting { get; set; } = new();

    /// <summary>Checkpoint file; its folder is created when missing.</summary>
    [Required(AllowEmptyStrings = false)] public string CheckpointPath { get; set; } = "data/scorer.ckpt";

    /// <summary>Seconds between periodic checkpoints; 0 saves only on demand.</summary>
    [Range(0, 86_400)] public int CheckpointIntervalSeconds { get; set; } = 60;
}
