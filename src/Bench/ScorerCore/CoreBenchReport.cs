using System.Globalization;
using System.Text;
using EasyHard.Bench.Common;
using EasyHard.Bench.Throughput;

namespace EasyHard.Bench.ScorerCore;

/// <summary>The markdown form of a <see cref="CoreBench.Result"/> (core.md and the console).</summary>
public static class CoreBenchReport
{
    public static string Markdown(CoreBench.Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        text.Append(result.Machine.Heading("EasyHard scorer core benchmark"));
        text.Append(CultureInfo.InvariantCulture,
            $"{result.Core.Samples:N0} synthetic samples, dimension {result.Dimension}; scorer batch {result.BatchSize}, ensemble {result.EnsembleSize} × MLP {result.Dimension}-{string.Join("-", result.HiddenSizes)}-{ThroughputSettings.Classes}, train minibatch {result.TrainMinibatchSize}, on {result.Core.Device}.");
        text.Append(BenchOutput.Overrides(result.ExtraConfig)).Append("\n\n");
        var table = new MarkdownTable("run", "samples/s", "GFLOP/s", "CPU s / 1k samples", "notes");
        var core = result.Core;
        table.Add("scorer core (ScoringEngine, no Kafka)", core.SamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
            core.Gflops.ToString("F1", CultureInfo.InvariantCulture), core.CpuSecondsPer1000.ToString("F2", CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"{core.Flops.PerSample / 1e6:F2} MFLOP/sample; {result.CoreOverGemmPeak * 100:F0} % of the GEMM peak; best of {ScorerCoreBench.TrialsText(core)}"));
        foreach (var shape in result.Gemm.Shapes)
        {
            table.Add($"GEMM {shape.Name}", "–", shape.Gflops.ToString("F1", CultureInfo.InvariantCulture), "–", "best of 3 trials");
        }

        text.Append(table);
        return text.ToString();
    }
}
