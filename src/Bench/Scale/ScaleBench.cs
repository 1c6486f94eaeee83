using System.Diagnostics;
using System.Globalization;
using EasyHard.Bench.Chaos;
using EasyHard.Bench.Common;
using EasyHard.Bench.Throughput;
using EasyHard.Core.Embedded;
using EasyHard.Evaluation.Datasets;
using EasyHard.Evaluation.Metrics;

namespace EasyHard.Bench.Scale;

/// <summary>
/// <c>easyhard bench scale</c>: one Fashion-MNIST stream with injected noise through 1, 2, 3… scorer instances, each in
/// its own process (<c>easyhard run --role scorer</c>) beside one ingest process, on the embedded cluster. Mid-stream
/// the last scorer instance leaves (SIGTERM, its partitions move to the others) and rejoins without its checkpoint (they
/// move back). Each run has fresh topics; the same data, order and seeds. The scored topic is read as it is written;
/// noise AUROC, average precision and the weights come from each sample's scored record.
/// </summary>
public static class ScaleBench
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(3);

    public static async Task<ScaleResult> RunAsync(ScaleSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        var clock = Stopwatch.StartNew();
        var machine = MachineDescription.DescribeTo(log);
        var data = FashionMnist.Load(settings.DataDirectory, FashionMnistSplit.Train, settings.Count);
        var labels = new NoiseInjector(settings.Noise, data.Classes, settings.Seed).Apply(data.Labels);
        var samples = data.WithLabels(labels, "fm");
        var encoder = new SampleEncoder(SampleFormat.Protobuf);
        using var cluster = settings.Simulate ? null : new EmbeddedKafkaCluster();
        var problems = new List<string>();
        var runs = new List<ScaleRun>();
        var simulated = new List<SimulatedRun>();
        var partitions = new BenchTopics("probe").Partitions;
        log.WriteLine($"bench scale: {samples.Count:N0} Fashion-MNIST samples, noise {settings.Noise} (realized {labels.RealizedRate:P1}), scorers {string.Join(',', settings.Scorers)}, "
            + (settings.Simulate
                ? $"{partitions} partitions, simulated in this process."
                : $"{partitions} partitions, the last scorer leaves at {settings.RebalanceAt:P0} of the stream for {settings.Away.TotalSeconds:F0} s."));
        foreach (var headroom in settings.Simulate ? [false, true] : new[] { false })
        {
            foreach (var scorers in settings.Scorers)
            {
                foreach (var sync in scorers > 1 && settings.WithoutSync ? [true, false] : new[] { true })
                {
                    var name = $"{scorers} scorer(s), sync {(sync ? "on" : "off")}{(settings.Simulate ? headroom ? ", simulated with headroom" : ", simulated under load" : "")}";
                    ScaleMetrics scores;
                    if (settings.Simulate)
                    {
                        var run = FleetSimulation.Run(samples, scorers, sync, headroom, settings.Scorer, partitions);
                        simulated.Add(run);
                        scores = run.Scores;
                    }
                    else
                    {
                        var run = await RunOnceAsync(settings, cluster!, samples, encoder, scorers, sync, log, problems, cancellationToken);
                        runs.Add(run);
                        scores = run.Scores;
                        log.Write(string.Create(CultureInfo.InvariantCulture, $"  {run.SamplesPerSecond:N0} samples/s, sync {run.SyncBytes / 1e6:F1} MB ({100 * run.SyncShare:F2} % of input);"));
                    }

                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {name}: AUROC {scores.NoiseAuroc:F4}, AP {scores.NoiseAveragePrecision:F4}, weight noisy/clean {scores.MeanWeightNoisy:F3}/{scores.MeanWeightClean:F3}"));
                }
            }
        }

        var setup = new ScaleResult.Setup(settings.Noise.ToString(), samples.Count, settings.Seed, labels.RealizedRate, partitions, settings.RebalanceAt,
            settings.Away.TotalSeconds, settings.Scorer.Sync.IntervalBatches * settings.Scorer.Batching.MaxBatchSize, settings.ExtraConfig);
        return new ScaleResult(machine, setup, runs, simulated, clock.Elapsed.TotalSeconds, problems);
    }

    private static async Task<ScaleRun> RunOnceAsync(ScaleSettings settings, EmbeddedKafkaCluster cluster, IReadOnlyList<LabelledSample> samples,
        SampleEncoder encoder, int scorers, bool sync, TextWriter log, List<string> problems, CancellationToken cancellationToken)
    {
        var name = $"{scorers} scorer(s), sync {(sync ? "on" : "off")}";
        var started = Stopwatch.StartNew();
        var topics = new BenchTopics($"scale{scorers}{(sync ? "" : "-nosync")}");
        topics.CreateOn(cluster);
        var directory = Directory.CreateTempSubdirectory("easyhard-scale-").FullName;
        string[] config =
        [
            $"--Kafka:BootstrapServers={cluster.BootstrapServers}",
            $"--Schema:Dimension={ScaleSettings.Dimension}",
            $"--Schema:Classes={ScaleSettings.Classes}",
            "--Logging:LogLevel:Default=Warning",
            "--Delivery:TransactionTimeoutMs=10000",
            // As in bench chaos: the mock's group coordinator waits up to the session timeout for members to rejoin.
            "--Kafka:Consumer:SessionTimeoutMs=10000",
            "--Kafka:Consumer:HeartbeatIntervalMs=1000",
            $"--Scorer:Proxy:Seed={settings.Seed}",
            $"--Scorer:Sync:Enabled={(sync ? "true" : "false")}",
            .. topics.ConfigArgs(),
            .. settings.ExtraConfig,
        ];
        await using var fleet = new RoleFleet(config, directory, log);
        fleet.Start("ingest", "ingest-1");
        for (var i = 1; i <= scorers; i++)
        {
            fleet.Start("scorer", ScorerId(i));
        }

        await fleet.WaitUntilReadyAsync(StartDeadline, cancellationToken);
        var tracker = new ArrivalTracker(samples.Count + 1);
        using var reader = new ScoredStreamReader(cluster.BootstrapServers, topics, tracker, samples.Count);
        using var producer = new BenchProducer(cluster.BootstrapServers, topics.Options.Input);
        // The backlog may pile up on the partitions of the instance that left (the mock cluster keeps about 5 MiB per
        // partition and deletes older records, read or not): bound it by the fewest partitions an instance holds.
        var maxBacklog = BenchProducer.MaxBacklogFor(BenchProducer.LargestRecordBytes(encoder.Encode(samples[0]).Payload.Length + 16, ScaleSettings.Dimension),
            Math.Max(1, topics.Partitions / scorers));
        long inputBytes = 0;
        EncodedSample Encode(long index)
        {
            var encoded = encoder.Encode(samples[(int)index]);
            Interlocked.Add(ref inputBytes, encoded.Payload.Length);
            return encoded;
        }

        var producing = Task.Factory.StartNew(() => producer.Run(samples.Count, Encode, tracker, 0, maxBacklog, LoadRunner.Stall, cancellationToken),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await RebalanceAsync(settings, fleet, tracker, samples.Count, ScorerId(scorers), directory, log, cancellationToken);
        var sent = await producing;
        if (sent.Failed > 0)
        {
            problems.Add($"{name}: {sent.Failed} samples were not delivered to the input topic");
        }

        if (!await tracker.WaitForAllAsync(sent.Sent - sent.Failed, LoadRunner.Stall, cancellationToken))
        {
            await fleet.ScrapeAllAsync();
            var (ingest, scorer) = (fleet.CountersOf("ingest"), fleet.CountersOf("scorer"));
            problems.Add($"{name}: {sent.Sent - sent.Failed - tracker.Arrived} samples were never scored; deleted by the mock cluster's retention before "
                + $"the benchmark read them: {tracker.Lost}, before ingest read them: {ingest.LostToRetention}, before a scorer did: {scorer.LostToRetention}; "
                + $"partitions found stalled: {ingest.StalledPartitions + scorer.StalledPartitions}");
        }

        reader.ThrowIfFailed();
        // The last models published may still be on their way to the reader.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var run = Measure(samples, reader, tracker, scorers, sync, Interlocked.Read(ref inputBytes), started.Elapsed.TotalSeconds);
        if (tracker.Duplicates > 0)
        {
            problems.Add($"{name}: {tracker.Duplicates} samples were scored more than once");
        }

        await fleet.StopAllAsync();
        TryDelete(directory);
        return run;
    }

    /// <summary>
    /// When <c>RebalanceAt</c> of the stream is scored, the instance leaves gracefully and, after <c>Away</c>, starts again
    /// as a new pod would: without its checkpoint (the manifests keep it on an emptyDir), so it begins from the model topic
    /// with sync on and from scratch without.
    /// </summary>
    private static async Task RebalanceAsync(ScaleSettings settings, RoleFleet fleet, ArrivalTracker tracker, int count, string leaving, string directory,
        TextWriter log, CancellationToken cancellationToken)
    {
        var at = (long)(settings.RebalanceAt * count);
        while (tracker.Arrived < at)
        {
            await Task.Delay(50, cancellationToken);
        }

        var drained = await fleet.TerminateAsync(leaving);
        log.WriteLine($"    {leaving} left at {tracker.Arrived:N0} scored samples{(drained ? "" : " (killed after its grace period)")}");
        await Task.Delay(settings.Away, cancellationToken);
        File.Delete(Path.Combine(directory, leaving + ".ckpt"));
        fleet.Start("scorer", leaving);
        log.WriteLine($"    {leaving} rejoined at {tracker.Arrived:N0} scored samples");
    }

    private static ScaleRun Measure(IReadOnlyList<LabelledSample> samples, ScoredStreamReader reader, ArrivalTracker tracker, int scorers, bool sync,
        long inputBytes, double seconds) =>
        new(scorers, sync, ScaleMetrics.Of(samples, reader.Noise, reader.Weight), tracker.Duplicates, tracker.Arrived / Math.Max(1e-9, tracker.ElapsedSeconds),
            reader.ModelRecords, reader.ModelBytes, inputBytes, seconds);

    private static string ScorerId(int i) => $"scorer-{i}";

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover scratch folder in /tmp is harmless.
        }
    }
}
