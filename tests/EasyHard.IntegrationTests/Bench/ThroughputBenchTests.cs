using System.Text.Json;
using EasyHard.Bench.Common;
using EasyHard.Bench.Throughput;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>
/// The throughput benchmark at a tiny size, Python baseline included (CI installs python3-torch and
/// python3-confluent-kafka; without them this fails and says so). Structure and sanity only, never timing thresholds.
/// </summary>
public sealed class ThroughputBenchTests
{
    private const int Count = 2000;

    [Fact]
    public async Task ThroughputBench_TinyRun_EveryPartCountsEverySampleOnceAndWritesJsonAndMarkdown()
    {
        var settings = new ThroughputSettings(Count, Dimension: 64, SampleFormat.Protobuf, SkipPython: false, PythonScorer.DefaultInterpreter,
            PythonScript: null, ExtraConfig: []);
        var log = new StringWriter();

        var result = await ThroughputBench.RunAsync(settings, log, CancellationToken.None);

        LoadPhase[] phases = [result.Ceiling, result.EndToEnd, result.HalfLoad, result.Python!];
        Assert.NotNull(result.Python);
        foreach (var phase in phases)
        {
            Assert.True(phase.Arrived == phase.Samples, $"{phase.Name}: {phase.Arrived} of {phase.Samples} arrived");
            Assert.Equal(0, phase.Duplicates);
            Assert.Equal(0, phase.Unknown);
            AssertPositive(phase.SamplesPerSecond, phase.Name);
            AssertPositive(phase.P50Ms, phase.Name);
            Assert.True(phase.P99Ms >= phase.P50Ms, phase.Name);
            AssertPositive(phase.CpuSecondsPer1000, phase.Name);
            Assert.True(phase.PeakRssBytes > 0, phase.Name);
        }

        Assert.Equal(Count, result.EndToEnd.Samples);
        Assert.Equal(Count / 2, result.HalfLoad.Samples);
        AssertPositive(result.HalfLoad.TargetRate, "half-load rate");
        Assert.Equal(result.Settings.WarmupSamples + Count, result.PythonReport!.Count);
        AssertPositive(result.Gemm.PeakGflops, "GEMM peak");
        Assert.Equal(3, result.Gemm.Shapes.Count);
        AssertPositive(result.ScorerCore.SamplesPerSecond, "scorer core");
        AssertPositive(result.ScorerCore.Gflops, "scorer GFLOP/s");
        Assert.Equal(Count, result.ScorerCore.Samples);
        AssertPositive(result.Ratios.EndToEndOverPython, "EasyHard / Python");
        Assert.Equal(5, result.Targets.Count);
        Assert.All(result.Targets, t => Assert.NotNull(t.Pass));

        var directory = Directory.CreateTempSubdirectory("easyhard-bench-test-");
        try
        {
            var (jsonPath, markdownPath) = BenchOutput.Write(directory, "throughput", result, ThroughputReport.Markdown(result), new StringWriter());
            using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
            var root = json.RootElement;
            Assert.True(root.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
            Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("machine").GetProperty("cpu_model").GetString()));
            foreach (var phase in new[] { "ceiling", "end_to_end", "half_load", "python" })
            {
                Assert.Equal(Count / (phase == "half_load" ? 2 : 1), root.GetProperty(phase).GetProperty("arrived").GetInt64());
                Assert.True(root.GetProperty(phase).GetProperty("p99_ms").GetDouble() > 0, phase);
            }

            Assert.True(root.GetProperty("scorer_core").GetProperty("gflops").GetDouble() > 0);
            Assert.True(root.GetProperty("gemm").GetProperty("peak_gflops").GetDouble() > 0);
            Assert.True(root.GetProperty("ratios").GetProperty("end_to_end_over_min_ceiling_scorer_core").GetDouble() > 0);
            Assert.Equal(5, root.GetProperty("targets").GetArrayLength());
            var markdown = File.ReadAllText(markdownPath);
            Assert.Contains("| target | measured | threshold | result |", markdown, StringComparison.Ordinal);
            Assert.Contains("EasyHard / Python", markdown, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(64, 1.75)] // the first of four minibatches trains on its rows of the scoring pass
    [InlineData(128, 1.5)]
    [InlineData(256, 1)]
    public void MlpFlops_OneHiddenLayer_CountsForwardBackwardAndReservoir(int trainMinibatch, double forwardPasses)
    {
        var flops = MlpFlops.For(dimension: 784, hiddenSizes: [128], classes: 10, heads: 3, batchSize: 256, reservoirSize: 128, refreshBatches: 4,
            trainMinibatch: trainMinibatch);

        var forward = 2.0 * ((784 * 128) + (128 * 10));
        Assert.Equal(forward, flops.ForwardPerHead);
        Assert.Equal(forward + (2.0 * 128 * 10), flops.BackwardPerHead);
        Assert.Equal(forward / 8, flops.ReservoirPerHead);
        Assert.Equal(forwardPasses, flops.ForwardPasses);
        Assert.Equal(3 * ((forwardPasses * forward) + flops.BackwardPerHead + (forward / 8)), flops.PerSample);
    }

    [Fact]
    public void MlpFlops_Rehearsal_AddsAForwardAndBackwardPassPerReplayedSample()
    {
        var plain = MlpFlops.For(784, [128], 10, 3, 256, 128, 4, trainMinibatch: 64);
        var replayed = MlpFlops.For(784, [128], 10, 3, 256, 128, 4, trainMinibatch: 64, rehearsalRatio: 2);

        Assert.Equal(plain.ForwardPasses + 2, replayed.ForwardPasses);
        Assert.Equal(plain.PerSample + (3 * 2 * (plain.ForwardPerHead + plain.BackwardPerHead)), replayed.PerSample, 6);
    }

    [Fact]
    public void MlpFlops_NeighbourVote_AddsTheProjectionAndADistanceToEverySampleHeld()
    {
        var plain = MlpFlops.For(784, [128], 10, 3, 256, 128, 4, trainMinibatch: 64);
        var voted = MlpFlops.For(784, [128], 10, 3, 256, 128, 4, trainMinibatch: 64, voteCapacity: 20_000, voteDimensions: 64);
        var narrow = MlpFlops.For(49, [128], 10, 3, 256, 128, 4, trainMinibatch: 64, voteCapacity: 1_000, voteDimensions: 64);

        Assert.Equal((2.0 * 784 * 64) + (2.0 * 64 * 20_000), voted.VotePerSample);
        Assert.Equal(plain.PerSample + voted.VotePerSample, voted.PerSample, 6);
        Assert.Equal(2.0 * 49 * 1_000, narrow.VotePerSample); // features narrower than the projection are used as they are
    }

    [Fact]
    public void SampleKeys_IndexOf_ReadsTheTrailingNumber()
    {
        Assert.Equal(42, SampleKeys.IndexOf("bench-000042"u8));
        Assert.Equal(1234567, SampleKeys.IndexOf("soak-1234567"u8));
        Assert.Equal(-1, SampleKeys.IndexOf("no-number"u8));
        Assert.Equal(-1, SampleKeys.IndexOf(""u8));
    }

    private static void AssertPositive(double value, string what) =>
        Assert.True(double.IsFinite(value) && value > 0, $"{what}: {value}");
}
