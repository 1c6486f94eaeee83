using System.Globalization;
using EasyHard.Bench.Common;
using EasyHard.Core.Configuration;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.Evaluation.Datasets;
using EasyHard.Scorer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace EasyHard.Bench.Throughput;

/// <summary>
/// <c>easyhard bench throughput</c>: in one process, on one embedded cluster and the same synthetic samples, measures
/// the GEMM peak, the scorer core, the Kafka ceiling (three passthrough hops), EasyHard end to end at full and half
/// load, and the Python program a user would otherwise write; then checks the targets.
/// </summary>
public static class ThroughputBench
{
    public const double MinOverPython = 3.0;
    public const double MinOverMinCeilingCore = 0.60;
    public const double MinOverGemmPeak = 0.50;
    public const double MaxP99AtHalfLoadMs = 250;
    public const long MaxPeakRssBytes = 3L * 512 * 1024 * 1024;

    /// <summary>The roles' names in their metrics.</summary>
    private static readonly string[] PipelineRoles = ["ingest", "scorer", "sink"];

    public static async Task<ThroughputResult> RunAsync(ThroughputSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.Count, 1);
        var machine = MachineDescription.DescribeTo(log);
        string? script = null;
        if (!settings.SkipPython)
        {
            await PythonScorer.CheckPrerequisitesAsync(settings.PythonInterpreter, cancellationToken);
            script = settings.PythonScript ?? PythonScorer.FindScript()
                ?? throw new FileNotFoundException("src/Bench/python/scorer.py was not found from the working directory upwards; pass --python-script.");
        }

        var scorer = BindScorerOptions(settings.ExtraConfig);
        var dimension = settings.Dimension;
        // The Kafka runs come first, while the process holds nothing but the encoded records, so that the peak RSS
        // of the end-to-end run is the pipeline's own and not the leftovers of the in-memory runs.
        var encoded = Encode(settings, log);

        using var cluster = new EmbeddedKafkaCluster();
        using var rss = new PeakRssMonitor();
        var partitions = new TopicOptions().Partitions;
        var largest = BenchProducer.LargestRecordBytes(encoded.Max(e => e.Payload.Length), dimension);
        var maxBacklog = BenchProducer.MaxBacklogFor(largest, partitions);
        // Per warm-up round; rounds repeat until the JIT is quiet (LoadRunner.WarmUpAsync).
        var warmup = (int)Math.Min(settings.Count, Math.Clamp(settings.Count / 10, 256, 8192));
        using var runner = new LoadRunner(cluster.BootstrapServers, rss, log);
        EncodedSample Sample(long index) => encoded[index];
        log.WriteLine($"Embedded Kafka at {cluster.BootstrapServers}; {partitions} partitions per topic; at most {maxBacklog:N0} samples in flight.");

        log.WriteLine("Kafka ceiling: input → samples → scored → weighted, passthrough, same shell and client settings...");
        LoadPhase ceiling;
        var ceilingTopics = new BenchTopics("ceiling");
        ceilingTopics.CreateOn(cluster);
        using (var reader = new TrainerStreamReader(cluster.BootstrapServers, [ceilingTopics.Options.Weighted], partitions, new ArrivalTracker(1)))
        using (var host = await KafkaCeiling.StartAsync(cluster.BootstrapServers, ceilingTopics, settings.ExtraConfig, cancellationToken))
        {
            await runner.WarmUpAsync("ceiling warm-up", ceilingTopics.Options.Input, reader, warmup, Sample, maxBacklog, cancellationToken);
            ceiling = await runner.MeasureAsync("ceiling", ceilingTopics.Options.Input, reader, settings.Count, Sample, 0, maxBacklog, cancellationToken,
                KafkaCeiling.Roles);
            await host.StopAsync(CancellationToken.None);
        }

        log.WriteLine("EasyHard end to end, all roles in this process, default scoring...");
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var rssBeforePipeline = ProcessResources.ResidentBytes();
        LoadPhase full, half;
        var pipelineTopics = new BenchTopics("e2e");
        pipelineTopics.CreateOn(cluster);
        using (var reader = new TrainerStreamReader(cluster.BootstrapServers, pipelineTopics.TrainerTopics, partitions, new ArrivalTracker(1)))
        {
            await using var pipeline = await BenchPipeline.StartAsync(cluster.BootstrapServers, pipelineTopics, dimension, ThroughputSettings.Classes,
                settings.ExtraConfig, cancellationToken);
            var input = pipelineTopics.Options.Input;
            await runner.WarmUpAsync("end-to-end warm-up", input, reader, warmup, Sample, maxBacklog, cancellationToken);
            full = await runner.MeasureAsync("end to end, full load", input, reader, settings.Count, Sample, 0, maxBacklog, cancellationToken, PipelineRoles);
            var halfRate = full.SamplesPerSecond / 2;
            half = await runner.MeasureAsync(string.Create(CultureInfo.InvariantCulture, $"end to end, half load ({halfRate:F0}/s)"), input, reader,
                Math.Max(1, settings.Count / 2), Sample, halfRate, maxBacklog, cancellationToken, PipelineRoles);
        }

        LoadPhase? python = null;
        PythonScorer.Report? pythonReport = null;
        if (script is not null)
        {
            log.WriteLine($"Python: {settings.PythonInterpreter} {script} (confluent-kafka + PyTorch, {Environment.ProcessorCount} torch threads)...");
            var pythonTopics = new BenchTopics("python");
            pythonTopics.CreateOn(cluster);
            using var reader = new TrainerStreamReader(cluster.BootstrapServers, [pythonTopics.Options.Weighted], partitions, new ArrivalTracker(1));
            await using var process = await PythonScorer.StartAsync(settings.PythonInterpreter, script,
                PythonArguments(settings, scorer, cluster.BootstrapServers, pythonTopics, warmup + settings.Count), TimeSpan.FromMinutes(2), cancellationToken);
            // One round: the Python program stops after the count it was given, and has no JIT to wait for.
            await runner.MeasureAsync("python warm-up", pythonTopics.Options.Input, reader, warmup, Sample, 0, maxBacklog, cancellationToken);
            python = await runner.MeasureAsync("python", pythonTopics.Options.Input, reader, settings.Count, Sample, 0, maxBacklog, cancellationToken);
            pythonReport = await process.WaitAsync<PythonScorer.Report>(TimeSpan.FromMinutes(2), cancellationToken);
        }

        // Scorer:Threads:Torch, when set, limited libtorch's pool for the whole process; the peak is the machine's, on all threads.
        TorchSharp.torch.set_num_threads(machine.TorchThreads);
        var (gemm, core) = ScorerCoreBench.MeasureWithPeak(Samples(settings).Samples, encoded, scorer, dimension, ThroughputSettings.Classes, log);

        var setup = new ThroughputResult.Setup(settings.Count, dimension, ThroughputSettings.Classes, settings.Format.ToString().ToLowerInvariant(),
            ThroughputSettings.Noise.ToString(), scorer.Batching.MaxBatchSize, scorer.Proxy.EnsembleSize, scorer.Proxy.HiddenSizes, scorer.Proxy.TrainMinibatchSize,
            partitions, maxBacklog, warmup, settings.ExtraConfig);
        var ratios = new ThroughputResult.RatioSet(
            full.SamplesPerSecond / ceiling.SamplesPerSecond,
            python is null ? double.NaN : full.SamplesPerSecond / python.SamplesPerSecond,
            full.SamplesPerSecond / Math.Min(ceiling.SamplesPerSecond, core.SamplesPerSecond),
            core.Gflops / gemm.PeakGflops);
        var peakRss = Math.Max(full.PeakRssBytes, half.PeakRssBytes);
        ThroughputResult.Target[] targets =
        [
            new("end to end ≥ 3× Python", Ratio(ratios.EndToEndOverPython), "≥ 3.00×", python is null ? null : ratios.EndToEndOverPython >= MinOverPython),
            new("end to end ≥ 60 % of min(ceiling, scorer core)", Percent(ratios.EndToEndOverMinCeilingScorerCore), "≥ 60 %", ratios.EndToEndOverMinCeilingScorerCore >= MinOverMinCeilingCore),
            new("scorer core ≥ 50 % of GEMM peak", Percent(ratios.ScorerGflopsOverGemmPeak), "≥ 50 %", ratios.ScorerGflopsOverGemmPeak >= MinOverGemmPeak),
            new("p99 latency at half load ≤ 250 ms", Ms(half.P99Ms), "≤ 250 ms", half.P99Ms <= MaxP99AtHalfLoadMs),
            new("peak RSS ≤ 1.5 GiB", Mib(peakRss), "≤ 1,536 MiB", peakRss <= MaxPeakRssBytes),
        ];
        return new ThroughputResult(machine, setup, gemm, core, ceiling, full, half, python, pythonReport, rssBeforePipeline, ratios, targets);
    }

    internal static string Ratio(double value) => double.IsNaN(value) ? "not run" : value.ToString("F2", CultureInfo.InvariantCulture) + "×";

    internal static string Percent(double value) => double.IsNaN(value) ? "not run" : (value * 100).ToString("F0", CultureInfo.InvariantCulture) + " %";

    internal static string Ms(double value) => double.IsNaN(value) ? "–" : value.ToString("N0", CultureInfo.InvariantCulture) + " ms";

    internal static string Mib(long bytes) => BenchOutput.Mib(bytes).ToString("N0", CultureInfo.InvariantCulture) + " MiB";

    /// <summary>Scorer options as the pipeline binds and validates them from the same overrides.</summary>
    internal static ScorerOptions BindScorerOptions(IReadOnlyList<string> extraConfig)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine([.. extraConfig]).Build();
        return ScorerOptionsBinding.Bind(configuration, offline: false);
    }

    /// <summary>The benchmark's samples: seeded, so every call gives the same ones.</summary>
    private static (IReadOnlyList<LabelledSample> Samples, string Name) Samples(ThroughputSettings settings) =>
        Samples(settings.Count, settings.Dimension, settings.Seed);

    internal static (IReadOnlyList<LabelledSample> Samples, string Name) Samples(int count, int dimension, int seed)
    {
        var data = SyntheticDataset.Generate(count, dimension, ThroughputSettings.Classes, seed);
        var labels = new NoiseInjector(ThroughputSettings.Noise, ThroughputSettings.Classes, seed).Apply(data.Labels);
        return (data.WithLabels(labels, "bench"), data.Name);
    }

    /// <summary>The records producers would write; the float features are dropped once encoded.</summary>
    private static EncodedSample[] Encode(ThroughputSettings settings, TextWriter log)
    {
        var (samples, name) = Samples(settings);
        var encoder = new SampleEncoder(settings.Format);
        var encoded = samples.Select(encoder.Encode).ToArray();
        log.WriteLine($"{encoded.Length:N0} samples of {name}, {settings.Format.ToString().ToLowerInvariant()} ({encoded.Average(e => e.Payload.Length):N0} bytes each).");
        return encoded;
    }

    private static IEnumerable<string> PythonArguments(ThroughputSettings settings, ScorerOptions scorer, string bootstrapServers, BenchTopics topics, long count)
    {
        string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
        return
        [
            "--bootstrap", bootstrapServers,
            "--input", topics.Options.Input,
            "--output", topics.Options.Weighted,
            "--group", topics.GroupOf("python"),
            "--count", Number(count),
            "--dim", Number(settings.Dimension),
            "--classes", Number(ThroughputSettings.Classes),
            "--format", settings.Format == SampleFormat.Json ? "json" : "protobuf",
            "--batch-size", Number(scorer.Batching.MaxBatchSize),
            "--max-batch-delay-ms", Number(scorer.Batching.MaxBatchDelayMs),
            "--hidden", .. scorer.Proxy.HiddenSizes.Select(h => Number(h)),
            "--ensemble", Number(scorer.Proxy.EnsembleSize),
            "--train-minibatch", Number(scorer.Proxy.TrainMinibatchSize),
            "--lr", Number(scorer.Proxy.LearningRate),
            "--bootstrap-rate", Number(scorer.Proxy.BootstrapRate),
            "--warmup-samples", Number(scorer.Statistics.WarmupSamples),
            "--burn-in-samples", Number(scorer.Weighting.LossPolicyBurnInSamples),
            "--delta", Number(scorer.Weighting.LossPolicyDelta),
            "--temperature", Number(scorer.Weighting.LossPolicyTemperature),
            "--weight-min", Number(scorer.Weighting.WeightMin),
            "--weight-max", Number(scorer.Weighting.WeightMax),
            "--threads", Number(Environment.ProcessorCount),
            "--seed", Number(scorer.Proxy.Seed),
        ];
    }
}
