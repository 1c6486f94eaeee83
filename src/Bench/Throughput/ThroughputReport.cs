using System.Globalization;
using System.Text;
using EasyHard.Bench.Common;
using static EasyHard.Bench.Throughput.ThroughputBench;

namespace EasyHard.Bench.Throughput;

/// <summary>The markdown form of a <see cref="ThroughputResult"/> (throughput.md and the console).</summary>
public static class ThroughputReport
{
    public static string Markdown(ThroughputResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Settings;
        var text = new StringBuilder();
        text.Append(result.Machine.Heading("EasyHard throughput benchmark"));
        text.Append(CultureInfo.InvariantCulture,
            $"Samples: {s.Count:N0} synthetic, dimension {s.Dimension}, {s.Classes} classes, {s.Format}, label noise {s.LabelNoise}; ");
        text.Append(CultureInfo.InvariantCulture,
            $"scorer batch {s.BatchSize}, ensemble {s.EnsembleSize} × MLP {s.Dimension}-{string.Join('-', s.HiddenSizes)}-{s.Classes}, train minibatch {s.TrainMinibatchSize}; ");
        text.Append(CultureInfo.InvariantCulture,
            $"embedded Kafka (librdkafka mock cluster), {s.Partitions} partitions, at most {s.MaxBacklog:N0} samples in flight; warm-up rounds of {s.WarmupSamples:N0} samples before each EasyHard run until the JIT takes at most {JitActivity.QuietShare:P0} of a round (at most 10), one before the Python run.");
        text.Append(BenchOutput.Overrides(s.ExtraConfig)).Append("\n\n");
        var table = new MarkdownTable("run", "samples/s", "p50", "p99", "CPU s / 1k samples", "peak RSS", "notes");
        AddPhase(table, "Kafka ceiling (3 passthrough hops)", result.Ceiling, "same shell, client settings and batching as the roles");
        var core = result.ScorerCore;
        table.Add("scorer core (ScoringEngine, no Kafka)", Rate(core.SamplesPerSecond), "–", "–", Fixed(core.CpuSecondsPer1000, 2), "–",
            string.Create(CultureInfo.InvariantCulture, $"{core.Gflops:F1} GFLOP/s at {core.Flops.PerSample / 1e6:F2} MFLOP/sample on {core.Device}; best of {ScorerCoreBench.TrialsText(core)}"));
        foreach (var shape in result.Gemm.Shapes)
        {
            table.Add($"GEMM {shape.Name}", "–", "–", "–", "–", "–", string.Create(CultureInfo.InvariantCulture, $"{shape.Gflops:F1} GFLOP/s"));
        }

        AddPhase(table, "EasyHard end to end, full load", result.EndToEnd, "all roles in one process, SQLite, default scoring");
        AddPhase(table, "EasyHard end to end, half load", result.HalfLoad,
            string.Create(CultureInfo.InvariantCulture, $"producer throttled to {result.HalfLoad.TargetRate:N0}/s"));
        if (result.Python is { } python)
        {
            var report = result.PythonReport;
            AddPhase(table, "Python (confluent-kafka + PyTorch)", python, report is null ? "" :
                string.Create(CultureInfo.InvariantCulture,
                    $"its own clock {report.SamplesPerSecond:N0}/s, {report.CpuSeconds * 1000 / Math.Max(1, report.Count):F2} CPU s/1k, max RSS {Mib(report.MaxRssBytes)}; Python {report.Python}, torch {report.Torch}, {report.Threads} threads"));
        }
        else
        {
            table.Add("Python (confluent-kafka + PyTorch)", "not run", "–", "–", "–", "–", "--skip-python");
        }

        text.Append(table).Append('\n');
        text.Append("Latency: producer's record timestamp → read from `easyhard.weighted`/`easyhard.quarantine` by a consumer. ");
        text.Append("CPU and RSS are this whole process (producer, trainer-side reader and the embedded brokers included; the Python row's CPU and RSS are the C# side only, its own figures are in the notes). ");
        text.Append(CultureInfo.InvariantCulture, $"RSS before the pipeline started: {Mib(result.RssBeforePipelineBytes)} (the benchmark's encoded samples included).\n\n");

        var stages = new MarkdownTable("run", "role", "batches", "mean batch", "core s", "produce + delivery s", "commit s", "rest of wall s");
        foreach (var phase in new[] { result.Ceiling, result.EndToEnd, result.HalfLoad })
        {
            foreach (var stage in phase.Stages)
            {
                var rest = phase.Seconds - stage.CoreSeconds - stage.ProduceSeconds - stage.CommitSeconds;
                stages.Add(phase.Name, stage.Role, stage.Batches.ToString("N0", CultureInfo.InvariantCulture), Fixed(stage.MeanBatchSize, 0),
                    Fixed(stage.CoreSeconds, 2), Fixed(stage.ProduceSeconds, 2), Fixed(stage.CommitSeconds, 2), Fixed(rest, 2));
            }
        }

        text.Append("Where each role's Kafka shell spent the run (from its own batch metrics). The rest of the wall is collecting ")
            .Append("input; with exactly-once a batch's commit runs while the next batch is collected and processed, so the ")
            .Append("columns overlap and the rest can be negative:\n\n").Append(stages).Append('\n');

        var r = result.Ratios;
        var ratios = new MarkdownTable("ratio", "value");
        ratios.Add("EasyHard / ceiling", Ratio(r.EndToEndOverCeiling))
            .Add("EasyHard / Python", Ratio(r.EndToEndOverPython))
            .Add("EasyHard / min(ceiling, scorer core)", Ratio(r.EndToEndOverMinCeilingScorerCore))
            .Add("scorer GFLOP/s / GEMM peak", Ratio(r.ScorerGflopsOverGemmPeak))
            .Add("p99 at half load", Ms(result.HalfLoad.P99Ms))
            .Add("peak RSS (end to end)", Mib(Math.Max(result.EndToEnd.PeakRssBytes, result.HalfLoad.PeakRssBytes)));
        text.Append(ratios).Append('\n');

        var targets = new MarkdownTable("target", "measured", "threshold", "result");
        foreach (var target in result.Targets)
        {
            targets.Add(target.Name, target.Measured, target.Threshold, target.Pass switch { true => "pass", false => "FAIL", null => "not run" });
        }

        text.Append(targets);
        return text.ToString();
    }

    private static void AddPhase(MarkdownTable table, string name, LoadPhase phase, string notes) =>
        table.Add(name, Rate(phase.SamplesPerSecond), Ms(phase.P50Ms), Ms(phase.P99Ms), Fixed(phase.CpuSecondsPer1000, 2), Mib(phase.PeakRssBytes),
            string.Create(CultureInfo.InvariantCulture, $"{phase.Arrived:N0}/{phase.Samples:N0} arrived in {phase.Seconds:F1} s, JIT {phase.JitShare * 100:F1} % of it; {notes}"));

    private static string Rate(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Fixed(double value, int digits) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
