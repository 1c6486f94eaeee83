using System.ComponentModel.DataAnnotations;

namespace EasyHard.Scorer;

/// <summary>
/// The proxy ensemble and how it learns from the stream (section <c>Scorer:Proxy</c>): architecture, optimizer and
/// learning rate, bootstrap views, cross-fitted folds, rehearsal, lookahead and self-paced training.
/// </summary>
public sealed class ProxyOptions
{
    /// <summary>Hidden layer widths of every MLP head.</summary>
    [Required, MinLength(1)] public int[] HiddenSizes { get; set; } = [128];

    /// <summary>
    /// Random 5×5 convolution filters whose rectified, pooled responses are appended to each image-shaped sample before
    /// the proxy sees it (<c>Schema:ImageShape</c> set; ignored otherwise): an image prior for MLP heads on raw pixels.
    /// The filters are fixed, so the heads stay out-of-sample; 0 turns it off.
    /// </summary>
    [Range(0, 256)] public int ImageFilters { get; set; } = 16;

    /// <summary>Side of the square cells the filter responses are averaged over (28×28 pixels at 4: 7×7 per filter).</summary>
    [Range(1, 64)] public int ImagePooling { get; set; } = 4;

    /// <summary>Number of heads E in the ensemble.</summary>
    [Range(1, 64)] public int EnsembleSize { get; set; } = 3;

    /// <summary><c>adam</c> or <c>sgd</c>.</summary>
    [EnumDataType(typeof(ProxyOptimizer))] public ProxyOptimizer Optimizer { get; set; } = ProxyOptimizer.Adam;

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
    /// The rehearsal ratio while the engine has scored fewer than <see cref="EarlyRehearsalSamples"/> samples (when it is
    /// higher than the regime's ratio, and only where that ratio is not 0): a young proxy ranks worst, and its small
    /// reservoir makes extra replay cheap.
    /// </summary>
    [Range(0.0, 16.0)] public double EarlyRehearsalRatio { get; set; } = 4.0;

    /// <summary>
    /// Samples scored after which <see cref="EarlyRehearsalRatio"/> gives way to <see cref="RehearsalRatio"/>; 0 never
    /// raises it. 12,000 ranked symmetric noise better in every case measured, and 45 % pair flips better or worse by
    /// the seed (docs/tuning.md).
    /// </summary>
    [Range(0, 100_000_000)] public long EarlyRehearsalSamples { get; set; } = 12_000;

    /// <summary>Samples the rehearsal buffer holds: a uniform reservoir over every sample scored so far (features, label, fold).</summary>
    [Range(0, 10_000_000)] public int RehearsalCapacity { get; set; } = 20_000;

    /// <summary>
    /// Lookahead: a sample is scored only after the heads have trained on at least this many later samples, by the
    /// heads of its fold (which never train on it), so it is scored by a model that saw more of the stream; the cost is
    /// latency and memory for the samples held back. 0 (the default) scores each batch before training on it. Needs
    /// <see cref="Folds"/> of 2 or more; used by <c>replay</c> and <c>bench quality</c>, which hold the stream back
    /// themselves (the Kafka scorer emits every batch it consumes and refuses a delay at start).
    /// </summary>
    [Range(0, 10_000_000)] public int ScoreDelaySamples { get; set; }

    /// <summary>
    /// Self-paced training: after the warm-up each sample (new or replayed) trains the proxy with weight
    /// min(1, p̂ / τ_y), p̂ the probability of its given label y under heads that never trained on it and τ_y this value
    /// times (1 − the trust in row y of the noise transition); 0 trains every sample in full. Likely mislabelled samples
    /// teach the proxy less, so it separates them better under symmetric noise. Higher values rank symmetric noise
    /// better still and agree less with an offline model's difficulty (docs/tuning.md: 0.07 keeps both targets).
    /// </summary>
    [Range(0.0, 1.0)] public double SelfPacedThreshold { get; set; } = 0.07;
}
