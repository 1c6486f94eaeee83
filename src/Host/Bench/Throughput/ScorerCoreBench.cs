using System.Diagnostics;
using EasyHard.Core.Contracts.V1;
using EasyHard.Host.Bench.Common;
using EasyHard.Host.Datasets;
using EasyHard.Scorer;
using EasyHard.Scorer.Scoring;
using Google.Protobuf;

namespace EasyHard.Host.Bench.Throughput;

/// <summary>
/// <see cref="ScoringEngine"/> alone on in-memory batches of the configured batch size (no Kafka, no parsing): the
/// most the scorer can do on this machine, in samples/s and achieved GFLOP/s.
/// </summary>
public static class ScorerCoreBench
{
    private const int MaxWarmUpRounds = 20;

    public sealed record Result(int Samples, int BatchSize, int WarmupSamples, double Seconds, double SamplesPerSecond,
        MlpFlops Flops, double Gflops, double CpuSecondsPer1000, string Device);

    /// <summary>
    /// The GEMM peak of the proxy's shapes and then the scorer core, both on the device <c>Scorer:Device</c> resolves
    /// to, with the figures logged: the pair <c>bench throughput</c> and <c>bench core</c> report.
    /// </summary>
    public static (GemmPeak.Result Gemm, Result Core) MeasureWithPeak(IReadOnlyList<LabelledSample> samples, IReadOnlyList<EncodedSample> encoded,
        ScorerOptions options, int dimension, int classes, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var device = ScorerDevice.Resolve(options.Device);
        log.WriteLine($"GEMM peak (TorchSharp on {device}, {TorchSharp.torch.get_num_threads()} threads)...");
        var gemm = GemmPeak.Measure(options.Batching.MaxBatchSize, options.TrainMinibatchSize, dimension, options.HiddenSizes[0], TimeSpan.FromSeconds(1), device);
        foreach (var shape in gemm.Shapes)
        {
            log.WriteLine($"  {shape.Name}: {shape.Gflops:F1} GFLOP/s");
        }

        log.WriteLine($"Scorer core: ScoringEngine on in-memory batches of {options.Batching.MaxBatchSize}...");
        var core = Run(samples, encoded, options, dimension, classes);
        log.WriteLine($"  scorer core: {core.SamplesPerSecond:N0} samples/s, {core.Gflops:F1} GFLOP/s ({core.Flops.PerSample / 1e6:F2} MFLOP/sample) on {core.Device}");
        return (gemm, core);
    }

    public static Result Run(IReadOnlyList<LabelledSample> samples, IReadOnlyList<EncodedSample> encoded, ScorerOptions options, int dimension, int classes)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(encoded);
        ArgumentNullException.ThrowIfNull(options);
        var scratch = Directory.CreateTempSubdirectory("easyhard-bench-core-");
        try
        {
            options.CheckpointPath = Path.Combine(scratch.FullName, "scorer.ckpt");
            options.CheckpointIntervalSeconds = 0;
            var canonical = new CanonicalSample[samples.Count];
            for (var i = 0; i < canonical.Length; i++)
            {
                var sample = new TrainingSample { Id = samples[i].Id, Label = samples[i].Label, Source = "bench" };
                sample.Features.AddRange(samples[i].Features.ToArray());
                canonical[i] = new CanonicalSample
                {
                    Sample = sample,
                    OriginalPayload = UnsafeByteOperations.UnsafeWrap(encoded[i].Payload),
                    ContentType = encoded[i].ContentType,
                };
            }

            using var engine = new ScoringEngine(options, dimension, classes);
            var batch = options.Batching.MaxBatchSize;
            // Warm-up: TorchSharp's first calls, allocator pools and the JIT, in rounds of a few batches until the JIT
            // is quiet (JitActivity); the same engine then keeps learning.
            var round = Math.Min(canonical.Length, 8 * batch);
            var warmup = 0;
            for (var rounds = 0; rounds < MaxWarmUpRounds; rounds++)
            {
                var jit = JitActivity.Now();
                var started = Stopwatch.GetTimestamp();
                ScoreInBatches(engine, canonical, round, batch);
                warmup += round;
                if (JitActivity.Since(jit).ShareOf(Stopwatch.GetElapsedTime(started).TotalSeconds) <= JitActivity.QuietShare)
                {
                    break;
                }
            }

            var cpu = ProcessResources.Now().CpuTime;
            var clock = Stopwatch.StartNew();
            ScoreInBatches(engine, canonical, canonical.Length, batch);
            var seconds = clock.Elapsed.TotalSeconds;
            var cpuSeconds = (ProcessResources.Now().CpuTime - cpu).TotalSeconds;

            var flops = MlpFlops.For(dimension, options.HiddenSizes, classes, options.EnsembleSize, batch, options.InfluenceReservoirSize, options.InfluenceRefreshBatches, options.TrainMinibatchSize);
            var rate = canonical.Length / seconds;
            return new Result(canonical.Length, batch, warmup, seconds, rate, flops, flops.PerSample * rate / 1e9,
                cpuSeconds * 1000 / canonical.Length, engine.Device.ToString());
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static void ScoreInBatches(ScoringEngine engine, CanonicalSample[] samples, int count, int batch)
    {
        for (var start = 0; start < count; start += batch)
        {
            engine.Score(new ArraySegment<CanonicalSample>(samples, start, Math.Min(batch, count - start)));
        }
    }
}
