using EasyHard.Host.Bench.Common;
using EasyHard.Host.Bench.Throughput;
using EasyHard.Host.Datasets;
using EasyHard.Scorer;
using Microsoft.Extensions.Configuration;
using TorchSharp;

namespace EasyHard.Host.Bench.ScorerCore;

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
        var configuration = new ConfigurationBuilder().AddCommandLine([.. extraConfig]).Build();
        var scorer = configuration.GetSection(ScorerOptions.SectionName).Get<ScorerOptions>() ?? new ScorerOptions();
        var (samples, _) = ThroughputBench.Samples(count, dimension, seed: 7);
        var encoder = new SampleEncoder(format);
        var encoded = samples.Select(encoder.Encode).ToArray();

        var device = ScorerDevice.Resolve(scorer.Device);
        log.WriteLine($"GEMM peak (TorchSharp on {device}, {torch.get_num_threads()} threads)...");
        var gemm = GemmPeak.Measure(scorer.Batching.MaxBatchSize, scorer.TrainMinibatchSize, dimension, scorer.HiddenSizes[0], TimeSpan.FromSeconds(1), device);
        foreach (var shape in gemm.Shapes)
        {
            log.WriteLine($"  {shape.Name}: {shape.Gflops:F1} GFLOP/s");
        }

        log.WriteLine($"Scorer core: ScoringEngine on in-memory batches of {scorer.Batching.MaxBatchSize}...");
        var core = ScorerCoreBench.Run(samples, encoded, scorer, dimension, ThroughputSettings.Classes);
        log.WriteLine($"  scorer core: {core.SamplesPerSecond:N0} samples/s, {core.Gflops:F1} GFLOP/s ({core.Flops.PerSample / 1e6:F2} MFLOP/sample) on {core.Device}");
        return new Result(machine, count, dimension, scorer.Batching.MaxBatchSize, scorer.EnsembleSize, scorer.HiddenSizes, scorer.TrainMinibatchSize,
            extraConfig, gemm, core, core.Gflops / gemm.PeakGflops);
    }
}
