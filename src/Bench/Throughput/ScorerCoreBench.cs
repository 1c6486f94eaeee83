using System.Diagnostics;
using System.Globalization;
using EasyHard.Contracts.V1;
using EasyHard.Bench.Common;
using EasyHard.Evaluation.Datasets;
using EasyHard.Scorer;
using EasyHard.Scorer.Scoring;
using Google.Protobuf;

namespace EasyHard.Bench.Throughput;

/// <summary>
/// <see cref="ScoringEngine"/> alone on in-memory batches of the configured batch size (no Kafka, no parsing): the
/// most the scorer can do on this machine, in samples/s and achieved GFLOP/s. After the warm-up, the samples are scored
/// in <see cref="Trials"/> trials (the same samples again each time, as a second epoch of a stream) and the best trial
/// counts, as for the GEMM peak it is held against (<see cref="GemmPeak"/>): a shared machine only ever slows a trial down.
/// </summary>
public static class ScorerCoreBench
{
    public const int Trials = 3;

    private const int MaxWarmUpWindows = 10;

    private static readonly TimeSpan WarmUpWindow = TimeSpan.FromSeconds(1);

    /// <param name="TrialRates">samples/s of every trial, in order; the other figures are the best trial's.</param>
    public sealed record Result(int Samples, int BatchSize, int WarmupSamples, double Seconds, double SamplesPerSecond,
        MlpFlops Flops, double Gflops, double CpuSecondsPer1000, string Device, IReadOnlyList<double> TrialRates);

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
        var gemm = GemmPeak.Measure(options.Batching.MaxBatchSize, options.Proxy.TrainMinibatchSize, dimension, options.Proxy.HiddenSizes[0], TimeSpan.FromSeconds(1), device);
        foreach (var shape in gemm.Shapes)
        {
            log.WriteLine($"  {shape.Name}: {shape.Gflops:F1} GFLOP/s");
        }

        log.WriteLine($"Scorer core: ScoringEngine on in-memory batches of {options.Batching.MaxBatchSize}...");
        var core = Run(samples, encoded, options, dimension, classes);
        log.WriteLine($"  scorer core: {core.SamplesPerSecond:N0} samples/s, {core.Gflops:F1} GFLOP/s ({core.Flops.PerSample / 1e6:F2} MFLOP/sample) on {core.Device}, best of {TrialsText(core)}");
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

            // The samples were just built: promoted to the oldest generation now, not by the collections of the first trial.
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            using var engine = new ScoringEngine(options, dimension, classes);
            var batch = options.Batching.MaxBatchSize;
            // Warm-up: TorchSharp's first calls, allocator pools and the JIT, in windows of at least a second until the
            // JIT is quiet over one (JitActivity); the same engine then keeps learning. Tiered compilation recompiles a
            // hot method in the background some 100 ms after its first calls, so a shorter window could look quiet
            // with the recompilation still ahead: with rounds of 8 batches, the first 40,000 timed samples ran at
            // 34,000–43,000 samples/s and the rest at 57,000–80,000. The warm-up also runs past the young stream's extra
            // rehearsal (Scorer:Proxy:EarlyRehearsalSamples), so the trials time the steady state.
            var round = Math.Min(canonical.Length, 8 * batch);
            var warmup = 0;
            for (var windows = 0; windows < MaxWarmUpWindows; windows++)
            {
                var jit = JitActivity.Now();
                var started = Stopwatch.GetTimestamp();
                do
                {
                    ScoreInBatches(engine, canonical, round, batch);
                    warmup += round;
                }
                while (Stopwatch.GetElapsedTime(started) < WarmUpWindow || engine.SamplesSeen < options.Proxy.EarlyRehearsalSamples);

                if (JitActivity.Since(jit).ShareOf(Stopwatch.GetElapsedTime(started).TotalSeconds) <= JitActivity.QuietShare)
                {
                    break;
                }
            }

            var flops = MlpFlops.For(dimension, options.Proxy.HiddenSizes, classes, options.Proxy.EnsembleSize, batch, options.Statistics.InfluenceReservoirSize, options.Statistics.InfluenceRefreshBatches, options.Proxy.TrainMinibatchSize, options.Proxy.RehearsalRatio,
                options.Neighbours.Weight > 0 ? options.Neighbours.Capacity : 0, options.Neighbours.Dimensions);
            var trials = new (double Seconds, double CpuSeconds)[Trials];
            for (var trial = 0; trial < Trials; trial++)
            {
                var cpu = ProcessResources.Now().CpuTime;
                var clock = Stopwatch.StartNew();
                ScoreInBatches(engine, canonical, canonical.Length, batch);
                trials[trial] = (clock.Elapsed.TotalSeconds, (ProcessResources.Now().CpuTime - cpu).TotalSeconds);
            }

            var (seconds, cpuSeconds) = trials.MinBy(t => t.Seconds);
            var rate = canonical.Length / seconds;
            return new Result(canonical.Length, batch, warmup, seconds, rate, flops, flops.PerSample * rate / 1e9,
                cpuSeconds * 1000 / canonical.Length, engine.Device.ToString(), [.. trials.Select(t => canonical.Length / t.Seconds)]);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    /// <summary>The trials' rates, e.g. "3 trials (61,200, 63,005, 59,870 samples/s)".</summary>
    public static string TrialsText(Result core)
    {
        ArgumentNullException.ThrowIfNull(core);
        return string.Create(CultureInfo.InvariantCulture,
            $"{core.TrialRates.Count} trials ({string.Join(", ", core.TrialRates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))} samples/s)");
    }

    private static void ScoreInBatches(ScoringEngine engine, CanonicalSample[] samples, int count, int batch)
    {
        for (var start = 0; start < count; start += batch)
        {
            engine.Score(new ArraySegment<CanonicalSample>(samples, start, Math.Min(batch, count - start)));
        }
    }
}
