using System.Text.Json;
using EasyHard.Bench.Common;
using EasyHard.Bench.ScorerCore;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.IntegrationTests.Bench;

/// <summary><c>easyhard bench core</c> at a tiny size: every sample scored, the GEMM shapes timed, the files written. Never timing thresholds.</summary>
public sealed class CoreBenchTests
{
    [Fact]
    public void CoreBench_TinyRun_ScoresEverySampleAndWritesJsonAndMarkdown()
    {
        var result = CoreBench.Run(1500, 48, SampleFormat.Protobuf, ["--Scorer:Device=cpu", "--Scorer:Proxy:EnsembleSize=2", "--Scorer:Proxy:Folds=2"], new StringWriter());

        Assert.Equal(1500, result.Core.Samples);
        Assert.Equal(2, result.EnsembleSize);
        Assert.Equal("cpu", result.Core.Device);
        Assert.True(result.Core.SamplesPerSecond > 0);
        Assert.True(result.Core.Gflops > 0);
        // The best of three trials over the same samples counts, as for the GEMM shapes.
        Assert.Equal(3, result.Core.TrialRates.Count);
        Assert.Equal(result.Core.TrialRates.Max(), result.Core.SamplesPerSecond, 6);
        Assert.True(result.Core.WarmupSamples >= 1500);
        Assert.Equal(3, result.Gemm.Shapes.Count);
        Assert.All(result.Gemm.Shapes, shape => Assert.True(shape.Iterations > 0 && shape.Gflops > 0, shape.Name));
        Assert.Equal(result.Core.Gflops / result.Gemm.PeakGflops, result.CoreOverGemmPeak, 9);

        var directory = Directory.CreateTempSubdirectory("easyhard-bench-core-test-");
        try
        {
            var (jsonPath, markdownPath) = BenchOutput.Write(directory, "core", result, CoreBenchReport.Markdown(result), new StringWriter());
            using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
            Assert.Equal(1500, json.RootElement.GetProperty("core").GetProperty("samples").GetInt32());
            Assert.Contains("--Scorer:Proxy:EnsembleSize=2", File.ReadAllText(markdownPath), StringComparison.Ordinal);
            Assert.Contains("GEMM score forward 256x48 @ 48x128", File.ReadAllText(markdownPath), StringComparison.Ordinal);
            Assert.Contains("best of 3 trials (", File.ReadAllText(markdownPath), StringComparison.Ordinal);
            Assert.Equal(3, json.RootElement.GetProperty("core").GetProperty("trial_rates").GetArrayLength());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
