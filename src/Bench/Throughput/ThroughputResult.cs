using EasyHard.Bench.Common;

namespace EasyHard.Bench.Throughput;

/// <summary>Everything <c>easyhard bench throughput</c> measured, as written to throughput.json.</summary>
public sealed record ThroughputResult(
    MachineDescription Machine,
    ThroughputResult.Setup Settings,
    GemmPeak.Result Gemm,
    ScorerCoreBench.Result ScorerCore,
    LoadPhase Ceiling,
    LoadPhase EndToEnd,
    LoadPhase HalfLoad,
    LoadPhase? Python,
    PythonScorer.Report? PythonReport,
    long RssBeforePipelineBytes,
    ThroughputResult.RatioSet Ratios,
    IReadOnlyList<ThroughputResult.Target> Targets)
{
    public sealed record Setup(
        int Count, int Dimension, int Classes, string Format, string LabelNoise, int BatchSize, int EnsembleSize, int[] HiddenSizes,
        int TrainMinibatchSize, int Partitions, int MaxBacklog, int WarmupSamples, IReadOnlyList<string> ExtraConfig);

    /// <summary>NaN where a part did not run.</summary>
    public sealed record RatioSet(double EndToEndOverCeiling, double EndToEndOverPython, double EndToEndOverMinCeilingScorerCore,
        double ScorerGflopsOverGemmPeak);

    /// <summary>One target with its verdict; <c>Pass</c> is null when the part it needs did not run.</summary>
    public sealed record Target(string Name, string Measured, string Threshold, bool? Pass);

    public bool AllTargetsPass => Targets.All(t => t.Pass == true);
}
