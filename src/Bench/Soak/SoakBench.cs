using System.Diagnostics;
using EasyHard.Bench.Common;
using EasyHard.Bench.Throughput;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Soak;

/// <summary>
/// <c>easyhard bench soak</c>: EasyHard with all roles in this process on the embedded cluster under a steady load
/// for a set time, sampling throughput, latency, RSS, the GC heap and CPU every interval; then checks that RSS after
/// warm-up stays within ±10 % of its post-warm-up mean (TorchSharp tensors and librdkafka buffers are native memory,
/// so RSS, not the GC heap, is where a leak would show).
/// </summary>
public static class SoakBench
{
    public static async Task<SoakResult> RunAsync(SoakSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(settings.Rate, 0);
        var machine = MachineDescription.DescribeTo(log);
        var noise = ThroughputSettings.Noise;
        var pool = new LoadPool(SoakSettings.PoolSize, settings.Dimension, SoakSettings.Classes, settings.Seed, settings.Format, "soak");

        using var cluster = new EmbeddedKafkaCluster();
        var topics = new BenchTopics("soak");
        topics.CreateOn(cluster);
        var largest = BenchProducer.LargestRecordBytes(pool.Sample(0).Payload.Length + 16, settings.Dimension);
        var maxBacklog = BenchProducer.MaxBacklogFor(largest, topics.Partitions);
        var tracker = new ArrivalTracker(1 << 18);
        using var reader = new TrainerStreamReader(cluster.BootstrapServers, topics.TrainerTopics, topics.Partitions, tracker);
        var samples = new List<SoakSample>();
        long sent, arrived;
        await using (var pipeline = await BenchPipeline.StartAsync(cluster.BootstrapServers, topics, settings.Dimension, SoakSettings.Classes,
            settings.ExtraConfig, cancellationToken))
        {
            log.WriteLine($"Soak: {settings.Rate:N0} samples/s for {settings.Duration.TotalMinutes:F1} min on {cluster.BootstrapServers}, sampled every {settings.Interval.TotalSeconds:F0} s.");
            using var stopProducing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var producer = new BenchProducer(cluster.BootstrapServers, topics.Options.Input);
            var producing = Task.Factory.StartNew(() => producer.Run(long.MaxValue, pool.Sample, tracker, settings.Rate, maxBacklog, LoadRunner.Stall, stopProducing.Token),
                cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            var clock = Stopwatch.StartNew();
            var previous = (Time: TimeSpan.Zero, Arrived: 0L, Cpu: ProcessResources.Now().CpuTime);
            while (clock.Elapsed < settings.Duration)
            {
                var wait = TimeSpan.FromTicks(Math.Min(settings.Interval.Ticks, (settings.Duration - clock.Elapsed).Ticks));
                await Task.WhenAny(producing, Task.Delay(wait, cancellationToken));
                if (producing.IsCompleted)
                {
                    await producing; // a stalled pipeline surfaces here
                }

                reader.ThrowIfFailed();
                var now = clock.Elapsed;
                var resources = ProcessResources.Now();
                var arrivedNow = tracker.Arrived;
                var seconds = (now - previous.Time).TotalSeconds;
                var latencies = new Percentiles(tracker.TakeLatencies());
                var sample = new SoakSample(now.TotalSeconds, tracker.Sent, arrivedNow, tracker.InFlight, (arrivedNow - previous.Arrived) / seconds,
                    latencies.At(0.5), latencies.At(0.99), resources.RssBytes, resources.GcHeapBytes, resources.GcCommittedBytes,
                    100 * (resources.CpuTime - previous.Cpu).TotalSeconds / seconds / Environment.ProcessorCount);
                samples.Add(sample);
                log.WriteLine($"  [{now.TotalSeconds,6:F0}s] {sample.SamplesPerSecond,7:N0}/s | p99 {sample.P99Ms,6:N0} ms | RSS {BenchOutput.Mib(sample.RssBytes),6:N0} MiB | GC heap {BenchOutput.Mib(sample.GcHeapBytes),5:N0} MiB | CPU {sample.CpuPercent,3:F0} % | in flight {sample.InFlight,5:N0}");
                previous = (now, arrivedNow, resources.CpuTime);
            }

            await stopProducing.CancelAsync();
            sent = (await producing).Sent;
            if (!await tracker.WaitForAllAsync(sent, TimeSpan.FromSeconds(60), cancellationToken))
            {
                log.WriteLine($"  {sent - tracker.Arrived:N0} of {sent:N0} samples did not arrive.");
            }

            arrived = tracker.Arrived;
        }

        return Summarize(settings, machine, samples, sent, arrived, tracker.Duplicates, maxBacklog, noise.ToString());
    }

    private static SoakResult Summarize(SoakSettings settings, MachineDescription machine, List<SoakSample> samples, long sent, long arrived,
        long duplicates, int maxBacklog, string noise)
    {
        var warmupSeconds = settings.Duration.TotalSeconds * settings.WarmupFraction;
        var steady = samples.Where(s => s.ElapsedSeconds > warmupSeconds).ToList();
        if (steady.Count == 0)
        {
            steady = [.. samples.TakeLast(1)];
        }

        var rss = steady.Select(s => (double)s.RssBytes).ToList();
        var mean = rss.Count == 0 ? 0 : rss.Average();
        var deviation = mean == 0 ? 0 : rss.Max(r => Math.Abs(r - mean)) / mean;
        var latencies = new Percentiles(steady.Select(s => s.P99Ms).Where(double.IsFinite));
        var setup = new SoakResult.Setup(settings.Duration.TotalMinutes, settings.Rate, settings.Dimension, settings.Format.ToString().ToLowerInvariant(),
            noise, settings.Interval.TotalSeconds, settings.WarmupFraction, SoakSettings.RssTolerance, maxBacklog, settings.ExtraConfig);
        return new SoakResult(machine, setup, samples, sent, arrived, duplicates,
            steady.Count == 0 ? 0 : steady.Average(s => s.SamplesPerSecond),
            steady.Count == 0 ? double.NaN : steady.Select(s => s.P50Ms).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average(),
            latencies.Max,
            warmupSeconds, (long)mean, (long)rss.DefaultIfEmpty(0).Min(), (long)rss.DefaultIfEmpty(0).Max(), deviation,
            Slope(steady.Select(s => (s.ElapsedSeconds / 60, BenchOutput.Mib(s.RssBytes))).ToList()),
            steady.Count == 0 ? 0 : (long)steady.Average(s => s.GcHeapBytes),
            deviation <= SoakSettings.RssTolerance);
    }

    /// <summary>Least-squares slope of y over x; 0 with fewer than two points.</summary>
    private static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return 0;
        }

        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        var covariance = points.Sum(p => (p.X - meanX) * (p.Y - meanY));
        var variance = points.Sum(p => (p.X - meanX) * (p.X - meanX));
        return variance == 0 ? 0 : covariance / variance;
    }
}
