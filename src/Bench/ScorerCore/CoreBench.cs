using EasyHard.Bench.Common;
using EasyHard.Bench.Throughput;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.ScorerCore;

/// <summary>
/// <c>easyhard bench core</c>: the GEMM peak and the scorer core of <c>bench throughput</c> alone, without Kafka,
/// on the device <c>Scorer:Device</c> resolves to. The quick loop for work on the scoring path, and the figure a GPU
/// machine records (<c>--Scorer:Device=cuda</c>).
/// </summary>
public static class CoreBench
{
    public sealed record Result(MachineDescription Machine, int Count, int Dimension, int BatchSize, int EnsembleSize, int[] HiddenSizes,
        int TrainMinibatchSize, IReadOnlyList<string> ExtraConfig, GemmPeak.Result Gemm, ScorerCoreBench.Result Core, double CoreOverGemmPeak);

    public static Result Run(int count, int dimension, SampleFormat format, IReadOnlyList<string> extraConfig, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(extraConfig);
        ArgumentNullException.ThrowIfNull(log);
        var machine = MachineDescription.DescribeTo(log);
        var scorer = ThroughputBench.BindScorerOptions(extraConfig);
        var (samples, _) = ThroughputBench.Samples(count, dimension, ThroughputSettings.DefaultSeed);
        var encoder = new SampleEncoder(format);
        var encoded = samples.Select(encoder.Encode).ToArray();
        var (gemm, core) = ScorerCoreBench.MeasureWithPeak(samples, encoded, scorer, dimension, ThroughputSettings.Classes, log);
        return new Result(machine, count, dimension, scorer.Batching.MaxBatchSize, scorer.Proxy.EnsembleSize, scorer.Proxy.HiddenSizes, scorer.Proxy.TrainMinibatchSize,
            extraConfig, gemm, core, core.Gflops / gemm.PeakGflops);
    }
}
