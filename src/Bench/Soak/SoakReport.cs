using System.Globalization;
using System.Text;
using EasyHard.Bench.Common;

namespace EasyHard.Bench.Soak;

/// <summary>The markdown form of a <see cref="SoakResult"/> (soak.md and the console): a table over time and the verdict.</summary>
public static class SoakReport
{
    /// <summary>Rows of the table over time at most; the JSON keeps every sample.</summary>
    private const int MaxRows = 30;

    public static string Markdown(SoakResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Settings;
        var text = new StringBuilder();
        text.Append(result.Machine.Heading("EasyHard soak"));
        text.Append(CultureInfo.InvariantCulture,
            $"All roles in one process on the embedded Kafka, SQLite, default scoring; {s.Rate:N0} samples/s for {s.Minutes:F1} min, dimension {s.Dimension}, {s.Format}, label noise {s.LabelNoise}; sampled every {s.IntervalSeconds:F0} s; warm-up = first {s.WarmupFraction:P0} ({result.WarmupSeconds:F0} s).");
        text.Append(BenchOutput.Overrides(s.ExtraConfig)).Append("\n\n");
        var table = new MarkdownTable("t (s)", "samples/s", "p50", "p99", "in flight", "RSS (MiB)", "GC heap (MiB)", "GC committed (MiB)", "CPU %");
        var step = Math.Max(1, (int)Math.Ceiling(result.Samples.Count / (double)MaxRows));
        for (var i = 0; i < result.Samples.Count; i++)
        {
            if (i % step != 0 && i != result.Samples.Count - 1)
            {
                continue;
            }

            var x = result.Samples[i];
            table.Add(F0(x.ElapsedSeconds), F0(x.SamplesPerSecond), Ms(x.P50Ms), Ms(x.P99Ms), F0(x.InFlight), F0(BenchOutput.Mib(x.RssBytes)),
                F0(BenchOutput.Mib(x.GcHeapBytes)), F0(BenchOutput.Mib(x.GcCommittedBytes)), F0(x.CpuPercent));
        }

        text.Append(table).Append('\n');
        var summary = new MarkdownTable("after warm-up", "value");
        summary.Add("samples sent / arrived on the trainer stream", string.Create(CultureInfo.InvariantCulture, $"{result.Sent:N0} / {result.Arrived:N0} ({result.Lost:N0} missing, {result.Duplicates:N0} duplicates)"))
            .Add("mean throughput", string.Create(CultureInfo.InvariantCulture, $"{result.MeanSamplesPerSecond:N0} samples/s (target {s.Rate:N0})"))
            .Add("latency", string.Create(CultureInfo.InvariantCulture, $"mean of interval p50 {Ms(result.P50Ms)}; worst interval p99 {Ms(result.P99Ms)}"))
            .Add("RSS mean (min – max)", string.Create(CultureInfo.InvariantCulture,
                $"{BenchOutput.Mib(result.RssMeanAfterWarmupBytes):N0} MiB ({BenchOutput.Mib(result.RssMinAfterWarmupBytes):N0} – {BenchOutput.Mib(result.RssMaxAfterWarmupBytes):N0} MiB)"))
            .Add("RSS largest deviation from the mean", string.Create(CultureInfo.InvariantCulture, $"{result.RssMaxDeviation:P1} (tolerance ±{s.RssTolerance:P0})"))
            .Add("RSS trend", BenchOutput.Signed(result.RssSlopeMibPerMinute, 1) + " MiB/min")
            .Add("GC heap mean", string.Create(CultureInfo.InvariantCulture, $"{BenchOutput.Mib(result.GcHeapMeanAfterWarmupBytes):N0} MiB"))
            .Add("RSS stable within ±10 %", result.RssStable ? "pass" : "FAIL");
        text.Append(summary);
        return text.ToString();
    }

    private static string F0(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(double value) => double.IsFinite(value) ? value.ToString("N0", CultureInfo.InvariantCulture) + " ms" : "–";
}
