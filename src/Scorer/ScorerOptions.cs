using System.ComponentModel.DataAnnotations;
using EasyHard.Core.Configuration;

namespace EasyHard.Scorer;

/// <summary>
/// Scorer configuration (section <c>Scorer</c>): where it runs and keeps its state at the top, the rest in the
/// <see cref="Proxy"/>, <see cref="Threads"/>, <see cref="Statistics"/> and <see cref="Weighting"/> sections.
/// Cross-field rules live in <see cref="ScorerOptionsValidator"/>.
/// </summary>
public sealed class ScorerOptions
{
    public const string SectionName = "Scorer";

    /// <summary>Kafka consumer group of the scorer.</summary>
    [Required(AllowEmptyStrings = false)] public string GroupId { get; set; } = "easyhard-scorer";

    /// <summary>Micro-batch size and latency; one batch = one prequential score-then-train step.</summary>
    [Required] public BatchingOptions Batching { get; set; } = new() { MaxBatchSize = 256, MaxBatchDelayMs = 20 };

    /// <summary><c>auto</c> (CUDA when available, else CPU), <c>cpu</c> or <c>cuda</c>.</summary>
    [EnumDataType(typeof(ComputeDevice))] public ComputeDevice Device { get; set; } = ComputeDevice.Auto;

    /// <summary>The proxy ensemble and how it learns (section <c>Scorer:Proxy</c>).</summary>
    [Required] public ProxyOptions Proxy { get; set; } = new();

    /// <summary>Threads on the CPU (section <c>Scorer:Threads:Torch</c>).</summary>
    [Required] public ScorerThreadOptions Threads { get; set; } = new();

    /// <summary>The running statistics the scores come from (section <c>Scorer:Statistics</c>).</summary>
    [Required] public StatisticsOptions Statistics { get; set; } = new();

    /// <summary>Weight policies, the weights' range, quarantine (section <c>Scorer:Weighting</c>).</summary>
    [Required] public WeightingOptions Weighting { get; set; } = new();

    /// <summary>The nearest-neighbour vote blended into the proxy's prediction (section <c>Scorer:Neighbours</c>).</summary>
    [Required] public NeighbourOptions Neighbours { get; set; } = new();

    /// <summary>Model averaging across scorer instances (section <c>Scorer:Sync</c>).</summary>
    [Required] public SyncOptions Sync { get; set; } = new();

    /// <summary>When the scorer may shed work under load: the trainers' consumer groups (section <c>Scorer:Load</c>).</summary>
    [Required] public LoadOptions Load { get; set; } = new();

    /// <summary>
    /// Optional frozen reference model (<c>easyhard train-reference</c>); when set, reducible loss = loss − reference
    /// loss (RHO-LOSS, Mindermann et al. 2022) is computed and can drive the loss policy.
    /// </summary>
    public string? ReferenceModelPath { get; set; }

    /// <summary>Checkpoint file; its folder is created when missing.</summary>
    [Required(AllowEmptyStrings = false)] public string CheckpointPath { get; set; } = "data/scorer.ckpt";

    /// <summary>Seconds between periodic checkpoints; 0 saves only on demand.</summary>
    [Range(0, 86_400)] public int CheckpointIntervalSeconds { get; set; } = 60;

    /// <summary>
    /// The keys of the flat layout before the sections, each with its key now: a configuration that still sets one
    /// stops at start naming the new key, instead of running silently on the default.
    /// </summary>
    public static IReadOnlyDictionary<string, string> RenamedKeys { get; } = Renamed();

    /// <summary>The head thread count <see cref="ScorerThreadOptions.Heads"/> stands for, for a proxy on the CPU or not.</summary>
    public int ResolvedHeadThreads(bool onCpu) =>
        Math.Min(Proxy.EnsembleSize, Threads.Heads > 0 ? Threads.Heads : StepsHeadsApart(onCpu) ? Environment.ProcessorCount : 1);

    /// <summary>Why <see cref="ScorerThreadOptions.Heads"/> cannot be kept for a proxy on the CPU or not; null when it can.</summary>
    public string? HeadThreadsConflict(bool onCpu) => Threads.Heads > 1 && !StepsHeadsApart(onCpu)
        ? $"Scorer:Threads:Heads ({Threads.Heads}) above 1 needs Scorer:Proxy:Optimizer adam on the CPU; {Choices.Name(Proxy.Optimizer)} on {(onCpu ? "cpu" : "cuda")} steps every head at once."
        : null;

    /// <summary>Why <see cref="ProxyOptions.ScoreDelaySamples"/> cannot be kept with <see cref="ProxyOptions.Folds"/>; null when it can.</summary>
    public string? LookaheadConflict() => Proxy.ScoreDelaySamples > 0 && Proxy.Folds < 2
        ? $"Scorer:Proxy:ScoreDelaySamples ({Proxy.ScoreDelaySamples}) needs Scorer:Proxy:Folds of 2 or more: a delayed sample is scored by the heads that never train on it."
        : null;

    /// <summary>The libtorch thread count <see cref="ScorerThreadOptions.Torch"/> stands for, per scoring thread, with <paramref name="headThreads"/> of them.</summary>
    public int ResolvedThreads(int headThreads) =>
        Threads.Torch > 0 ? Threads.Torch : Math.Max(1, (Environment.ProcessorCount - 1) / Math.Max(1, headThreads));

    /// <summary>Adam on the CPU steps each head's slice alone; libtorch's optimizers and a GPU step every head at once.</summary>
    private bool StepsHeadsApart(bool onCpu) => onCpu && Proxy.Optimizer == ProxyOptimizer.Adam;

    private static Dictionary<string, string> Renamed()
    {
        var renamed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [$"{SectionName}:Threads"] = $"{SectionName}:Threads:Torch",
            [$"{SectionName}:HeadThreads"] = $"{SectionName}:Threads:Heads",
        };
        foreach (var property in typeof(ProxyOptions).GetProperties())
        {
            renamed[$"{SectionName}:{property.Name}"] = $"{SectionName}:Proxy:{property.Name}";
        }

        foreach (var property in typeof(StatisticsOptions).GetProperties())
        {
            renamed[$"{SectionName}:{property.Name}"] = $"{SectionName}:Statistics:{property.Name}";
        }

        foreach (var key in (string[])["QuarantineThreshold", "NoiseGamma", "LossPolicyDelta", "LossPolicyTemperature", "LossPolicyBurnInSamples", "WeightMin", "WeightMax", "RenormalizationWindow"])
        {
            renamed[$"{SectionName}:{key}"] = $"{SectionName}:Weighting:{key}";
        }

        return renamed;
    }
}
