using System.Diagnostics;
using EasyHard.Bench.Common;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Throughput;

/// <summary>
/// Drives <see cref="LoadPhase"/>s: produces on its own thread, waits until every sample arrived, measures. Each input
/// topic keeps one producer across its phases, so the warm-up phase also warms the producer.
/// </summary>
internal sealed class LoadRunner(string bootstrapServers, PeakRssMonitor rss, TextWriter log) : IDisposable
{
    private readonly Dictionary<string, BenchProducer> producers = new(StringComparer.Ordinal);

    /// <summary>How long nothing may arrive before the phase fails (a stalled pipeline or lost records).</summary>
    public static readonly TimeSpan Stall = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Warm-up runs of <paramref name="count"/> samples until the JIT is quiet (<see cref="JitActivity"/>), at most
    /// <paramref name="maxRounds"/>.
    /// </summary>
    /// <returns>The rounds it took.</returns>
    public async Task<int> WarmUpAsync(string name, string inputTopic, TrainerStreamReader reader, long count, Func<long, EncodedSample> sample,
        int maxBacklog, CancellationToken cancellationToken, int maxRounds = 10)
    {
        for (var round = 1; ; round++)
        {
            var phase = await MeasureAsync($"{name} {round}", inputTopic, reader, count, sample, 0, maxBacklog, cancellationToken);
            if (phase.JitShare <= JitActivity.QuietShare || round >= maxRounds)
            {
                return round;
            }
        }
    }

    public async Task<LoadPhase> MeasureAsync(string name, string inputTopic, TrainerStreamReader reader, long count,
        Func<long, EncodedSample> sample, double ratePerSecond, int maxBacklog, CancellationToken cancellationToken, IReadOnlyList<string>? roles = null)
    {
        var tracker = new ArrivalTracker((int)Math.Max(1, count));
        reader.Track(tracker);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        rss.Reset();
        var stages = StageTime.Snapshot(roles ?? []);
        var cpu = ProcessResources.Now().CpuTime;
        var jit = JitActivity.Now();
        if (!producers.TryGetValue(inputTopic, out var producer))
        {
            producer = new BenchProducer(bootstrapServers, inputTopic);
            producers[inputTopic] = producer;
        }

        var producing = Task.Factory.StartNew(() => producer.Run(count, sample, tracker, ratePerSecond, maxBacklog, Stall, cancellationToken),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var progress = Stopwatch.StartNew();
        var lastArrived = -1L;
        var lastChange = Stopwatch.GetTimestamp();
        while (!(producing.IsCompleted && tracker.Arrived >= count))
        {
            if (producing.IsFaulted || producing.IsCanceled)
            {
                await producing;
            }

            reader.ThrowIfFailed();
            await Task.Delay(20, cancellationToken);
            var arrived = tracker.Arrived;
            if (arrived != lastArrived)
            {
                lastArrived = arrived;
                lastChange = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastChange) > Stall)
            {
                throw new TimeoutException($"{name}: only {arrived:N0} of {count:N0} samples arrived and nothing more for {Stall.TotalSeconds:F0} s; records were lost or the pipeline stalled.");
            }

            if (progress.Elapsed > TimeSpan.FromSeconds(5))
            {
                log.WriteLine($"  {name}: {tracker.Sent,9:N0} sent | {arrived,9:N0} arrived | {tracker.InFlight,6:N0} in flight");
                progress.Restart();
            }
        }

        var sent = await producing;
        if (sent.Failed > 0)
        {
            throw new InvalidOperationException($"{name}: {sent.Failed:N0} records failed delivery to {inputTopic}.");
        }

        var cpuSeconds = (ProcessResources.Now().CpuTime - cpu).TotalSeconds;
        var latencies = new Percentiles(tracker.TakeLatencies());
        var seconds = tracker.ElapsedSeconds;
        var phase = new LoadPhase(name, count, tracker.Arrived, tracker.Duplicates, tracker.Unknown, ratePerSecond, maxBacklog,
            seconds, count / seconds, latencies.At(0.50), latencies.At(0.99), latencies.Max, cpuSeconds * 1000 / count, rss.Reset(),
            StageTime.Since(stages, StageTime.Snapshot(roles ?? [])), JitActivity.Since(jit).ShareOf(seconds));
        log.WriteLine($"  {name}: {phase.Arrived:N0}/{count:N0} arrived in {seconds:F1} s = {phase.SamplesPerSecond:N0} samples/s, p50 {phase.P50Ms:F0} ms, p99 {phase.P99Ms:F0} ms, JIT {phase.JitShare:P1} of the run");
        return phase;
    }

    public void Dispose()
    {
        foreach (var producer in producers.Values)
        {
            producer.Dispose();
        }
    }
}
