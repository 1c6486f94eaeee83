using System.Diagnostics;
using EasyHard.Bench.Common;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Chaos;

/// <summary>
/// <c>easyhard bench chaos</c>: each role in a process of its own on the embedded cluster, a steady load, and a
/// nemesis that strikes on a random schedule drawn from the seed (Jepsen's nemesis; Kafka's <c>transactions_test</c>
/// bounces its processes the same way). Afterwards the run drains without faults and every input id is accounted for
/// by <see cref="ChaosAccounting"/>.
/// </summary>
public static class ChaosBench
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(3);

    public static async Task<ChaosResult> RunAsync(ChaosSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.Rate, 0);
        var machine = MachineDescription.DescribeTo(log);
        var pool = new LoadPool(ChaosSettings.PoolSize, settings.Dimension, ChaosSettings.Classes, settings.Seed, SampleFormat.Protobuf, "chaos");

        using var cluster = new EmbeddedKafkaCluster();
        var topics = new BenchTopics("chaos");
        topics.CreateOn(cluster);
        var directory = Directory.CreateTempSubdirectory("easyhard-chaos-").FullName;
        await using var postgres = settings.UsesPostgres ? await PrivatePostgres.StartAsync() : null;
        string[] database = postgres is null
            ? ["--Sink:Database:Provider=sqlite", $"--Sink:Database:ConnectionString=Data Source={Path.Combine(directory, "easyhard.db")}"]
            : ["--Sink:Database:Provider=postgres", $"--Sink:Database:ConnectionString={postgres.ConnectionString};Timeout=5"];
        string[] config =
        [
            $"--Kafka:BootstrapServers={cluster.BootstrapServers}",
            $"--Schema:Dimension={settings.Dimension}",
            $"--Schema:Classes={ChaosSettings.Classes}",
            "--Logging:LogLevel:Default=Warning",
            // A member stopped mid-transaction holds back read_committed readers until the coordinator aborts it.
            "--Delivery:TransactionTimeoutMs=10000",
            // The mock's group coordinator waits up to the session timeout for every member to rejoin after a change in
            // membership; librdkafka's default (45 s) would make each kill a 44 s pause.
            "--Kafka:Consumer:SessionTimeoutMs=10000",
            "--Kafka:Consumer:HeartbeatIntervalMs=1000",
            .. topics.ConfigArgs(),
            .. database,
            .. settings.ExtraConfig,
        ];

        await using var fleet = new RoleFleet(config, directory, log);
        foreach (var role in ChaosSchedule.Roles)
        {
            fleet.Start(role, Nemesis.PrimaryOf(role));
        }

        await fleet.WaitUntilReadyAsync(StartDeadline, cancellationToken);
        // Several sinks may share PostgreSQL, as in production; a SQLite file belongs to one writer.
        IReadOnlyList<string> churnRoles = postgres is null ? ["ingest", "scorer"] : ChaosSchedule.Roles;
        var schedule = ChaosSchedule.Plan(settings.Seed, settings.Duration, settings.Faults, settings.MeanGapSeconds, cluster.Brokers, churnRoles);
        log.WriteLine($"Chaos: {settings.Rate:N0} samples/s for {settings.Duration.TotalMinutes:F1} min, seed {settings.Seed}, {schedule.Count} faults of "
            + $"{string.Join(',', settings.Faults.Select(FaultKinds.NameOf))}, {(postgres is null ? "SQLite" : "PostgreSQL")}, on {cluster.BootstrapServers}.");

        var clock = new Stopwatch();
        var tracker = new ArrivalTracker(1 << 20);
        using var reader = new TrainerStreamReader(cluster.BootstrapServers, topics.TrainerTopics, topics.Partitions, tracker);
        using var recorder = new OutputRecorder(cluster.BootstrapServers, topics.TrainerTopics, topics.Options.DeadLetter, topics.Partitions,
            (partition, gap) => log.WriteLine($"  [{clock.Elapsed.TotalSeconds,7:F1}s] recorder: retention deleted offsets {gap.Position} to {gap.Low - 1} of "
                + $"{partition.Topic} [{partition.Partition.Value}] before it read them ({gap.Lost:N0} offsets); reading on from {gap.ResumeAt}"));
        using var trace = new PipelineTrace(cluster.BootstrapServers, topics.Options, topics.Partitions);
        using var nemesis = new Nemesis(cluster, topics, fleet, postgres, settings, log);
        using var producer = new BenchProducer(cluster.BootstrapServers, topics.Options.Input);
        var largest = BenchProducer.LargestRecordBytes(pool.Sample(0).Payload.Length + 16, settings.Dimension);
        var maxBacklog = BenchProducer.MaxBacklogFor(largest, topics.Partitions);
        var crashes = new List<string>();

        using var stopProducing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopWatching = new CancellationTokenSource();
        clock.Start();
        var producing = Task.Factory.StartNew(
            () => producer.Run(long.MaxValue, pool.Sample, tracker, settings.Rate, maxBacklog, settings.Settle + StartDeadline, stopProducing.Token),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var watching = WatchAsync(fleet, crashes, log, stopWatching.Token);
        var striking = nemesis.RunAsync(schedule, clock, cancellationToken);

        await Task.WhenAny(producing, Task.Delay(settings.Duration, cancellationToken));
        await stopProducing.CancelAsync();
        string? producerNote = null;
        BenchProducer.Result sent;
        try
        {
            sent = await producing;
        }
        catch (ProducerStalledException e)
        {
            // Counted as produced only when acknowledged, as after a full run: the delivery reports came in before it threw.
            producerNote = $"stopped at {clock.Elapsed.TotalSeconds:F0} s: {e.Message}";
            log.WriteLine($"  producer {producerNote}; the roles say:");
            log.WriteLine(await fleet.DescribeAsync());
            log.WriteLine(PipelinePositions.Describe(cluster.BootstrapServers, topics));
            sent = e.Result;
        }

        await striking;
        reader.ThrowIfFailed();
        log.WriteLine($"  {sent.Sent:N0} samples sent, {nemesis.LargeInputs.Count} large records; faults over at {clock.Elapsed.TotalSeconds:F0} s, draining.");
        var drainStarted = clock.Elapsed;
        if (!await DrainAsync(recorder, tracker, sent.Sent - sent.Failed, nemesis.LargeInputs, settings.Settle, cancellationToken))
        {
            log.WriteLine($"  nothing moved for {settings.Settle.TotalSeconds:F0} s with {sent.Sent - sent.Failed - tracker.Arrived:N0} samples still to arrive; the roles say:");
            log.WriteLine(await fleet.DescribeAsync());
            log.WriteLine(PipelinePositions.Describe(cluster.BootstrapServers, topics));
        }

        reader.ThrowIfFailed();
        var drainSeconds = (clock.Elapsed - drainStarted).TotalSeconds;
        await stopWatching.CancelAsync();
        await watching;
        await fleet.ScrapeAllAsync();
        await fleet.StopAllAsync();

        var failed = sent.FailedIndexes.ToHashSet();
        var inputs = new List<ChaosInput>();
        for (long index = 0; index < sent.Sent; index++)
        {
            inputs.Add(new ChaosInput(pool.IdOf(index), MustDeadLetter: false, Unacknowledged: failed.Contains(index)));
        }

        inputs.AddRange(nemesis.LargeInputs);
        if (!await recorder.CatchUpAsync(TimeSpan.FromMinutes(2), cancellationToken))
        {
            log.WriteLine("  the output recorder did not reach the end of every partition within 2 min; accounting what it read.");
        }

        var (trainer, deadLetters) = recorder.Snapshot();
        var counters = fleet.Counters;
        var allowance = (counters.AbortedTransactions + fleet.HardStops) * (long)MaxBatchSize(settings.ExtraConfig);
        var lostOnInput = fleet.CountersOf("ingest").LostToRetention;
        var account = ChaosAccounting.Account(inputs, trainer, deadLetters, lostOnInput, counters.LostToRetention - lostOnInput, allowance,
            recorder.LostToRetention);
        var missing = inputs.Where(i => !i.Unacknowledged && !recorder.Seen(i.Id)).Select(i => i.Id).ToList();
        TryDelete(directory);
        var setup = new ChaosResult.Setup(settings.Duration.TotalMinutes, settings.Seed, [.. settings.Faults.Select(FaultKinds.NameOf)], settings.Rate,
            settings.Dimension, settings.MeanGapSeconds, settings.Settle.TotalSeconds, postgres is null ? "sqlite" : "postgres", settings.ExtraConfig);
        return new ChaosResult(machine, setup, nemesis.Records, sent.Sent, sent.Failed, producerNote, crashes, counters.AbortedTransactions,
            counters.StalledPartitions, fleet.HardStops, Math.Round(drainSeconds, 1), account) { MissingLastSeen = trace.Describe(missing) };
    }

    /// <summary>The largest batch of any role: the default (512), or a larger <c>--&lt;Role&gt;:Batching:MaxBatchSize=</c> override.</summary>
    private static int MaxBatchSize(IReadOnlyList<string> extraConfig)
    {
        const string key = "Batching:MaxBatchSize=";
        return extraConfig.Select(a => a.IndexOf(key, StringComparison.OrdinalIgnoreCase) is var at and >= 0
                && int.TryParse(a[(at + key.Length)..], System.Globalization.CultureInfo.InvariantCulture, out var size) ? size : 0)
            .Append(new Core.Configuration.BatchingOptions().MaxBatchSize)
            .Max();
    }

    /// <summary>
    /// Waits until every acknowledged sample has arrived and every large record is on the trainer stream or dead-lettered
    /// (true), or until nothing has moved for <paramref name="settle"/> (false): then the accounting says what is missing.
    /// </summary>
    private static async Task<bool> DrainAsync(OutputRecorder recorder, ArrivalTracker tracker, long acknowledged,
        IReadOnlyList<ChaosInput> large, TimeSpan settle, CancellationToken cancellationToken)
    {
        var progress = -1L;
        var since = Stopwatch.StartNew();
        while (since.Elapsed < settle)
        {
            var largeSeen = large.Count(l => recorder.Seen(l.Id));
            var now = tracker.Arrived + largeSeen;
            if (tracker.Arrived >= acknowledged && largeSeen == large.Count)
            {
                return true;
            }

            if (now != progress)
            {
                progress = now;
                since.Restart();
            }

            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        }

        return false;
    }

    /// <summary>Reads the counters every two seconds and restarts what crashed, until cancelled.</summary>
    private static async Task WatchAsync(RoleFleet fleet, List<string> crashes, TextWriter log, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var crash in fleet.RestartCrashed())
            {
                crashes.Add(crash);
                log.WriteLine($"  crash: {crash}");
            }

            await fleet.ScrapeAllAsync();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

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
