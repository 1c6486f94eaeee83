using System.CommandLine;
using System.Text.Json;
using EasyHard.Bench.Quality;
using EasyHard.Bench.Commands;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>
/// <c>easyhard bench quality</c> end to end on a reduced run (3,000 samples, 2 folds, 2 epochs): the command runs,
/// writes every figure, and the figures are sane. The real targets are checked by the full run, not here.
/// Needs Fashion-MNIST at its default directory, which CI installs.
/// </summary>
public sealed class QualityBenchSmokeTests
{
    [Fact]
    public void BenchQuality_ReducedRun_WritesEveryFigureAndSaneValues()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-bench-quality-").FullName;
        var root = new RootCommand { BenchCommand.Create() };

        var exitCode = root.Parse([
            "bench", "quality", "--noise", "symmetric:0.4", "--seed", "0", "--count", "3000", "--test-count", "2000",
            "--folds", "2", "--epochs", "2", "--train-epochs", "2", "--downstream-repeats", "2", "--out", directory,
            "--Scorer:Statistics:WarmupSamples=500",
        ]).Invoke();

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, QualityReportWriter.JsonFile)));
        var report = json.RootElement;
        var settings = report.GetProperty("settings");
        Assert.Equal(3000, settings.GetProperty("count").GetInt32());
        Assert.Equal(2, settings.GetProperty("folds").GetInt32());
        Assert.Equal(2, settings.GetProperty("epochs").GetInt32());
        Assert.Equal(2, settings.GetProperty("downstream_repeats").GetInt32());
        Assert.Equal("symmetric:0.4", settings.GetProperty("noise").GetString());
        Assert.InRange(settings.GetProperty("realized_noise_rate").GetDouble(), 0.35, 0.45);
        Assert.Equal(500, settings.GetProperty("scorer").GetProperty("warmup_samples").GetInt32());
        // Fashion-MNIST images: the proxy and the offline reference see the pixels and 16 filters' 7 × 7 pooled cells.
        Assert.Equal(784, settings.GetProperty("dimension").GetInt32());
        Assert.Equal(784 + (16 * 7 * 7), settings.GetProperty("proxy_dimension").GetInt32());
        Assert.True(report.GetProperty("machine").GetProperty("processor_count").GetInt32() >= 1);
        Assert.True(report.GetProperty("duration_seconds").GetDouble() > 0);
        Assert.Equal(
            ["load", "easyhard_stream", "offline_cross_validation", "offline_second_reference", "downstream", "influence"],
            report.GetProperty("stage_seconds").EnumerateObject().Select(p => p.Name));

        var easyHard = report.GetProperty("easyhard");
        foreach (var exposure in new[] { easyHard.GetProperty("last_exposure"), easyHard.GetProperty("first_epoch") })
        {
            AssertProbability(exposure.GetProperty("noise").GetProperty("auroc"));
            AssertProbability(exposure.GetProperty("noise").GetProperty("average_precision"));
            AssertProbability(exposure.GetProperty("noise_after_warmup").GetProperty("auroc"));
            AssertProbability(exposure.GetProperty("mean_noise"));
            Assert.InRange(exposure.GetProperty("noise_calibration_error").GetDouble(), 0.0, 0.3);
            Assert.InRange(exposure.GetProperty("difficulty_spearman").GetDouble(), -1, 1);
            Assert.True(exposure.GetProperty("mean_weight_noisy").GetDouble() > 0);
            Assert.True(exposure.GetProperty("mean_weight_clean").GetDouble() > 0);
            Assert.True(exposure.GetProperty("flagged_at_half").GetProperty("flagged").GetInt64() >= 0);
        }

        // With 40 % symmetric noise, cross-validated self-confidence separates noisy from clean labels clearly.
        var offline = report.GetProperty("offline");
        Assert.InRange(offline.GetProperty("self_confidence").GetProperty("auroc").GetDouble(), 0.7, 1.0);
        Assert.InRange(offline.GetProperty("normalized_margin").GetProperty("auroc").GetDouble(), 0.7, 1.0);
        Assert.InRange(offline.GetProperty("cv_accuracy_true").GetDouble(), 0.3, 1.0);
        // Two offline runs rank difficulty alike, if not identically.
        Assert.InRange(report.GetProperty("offline_difficulty_agreement").GetDouble(), 0.5, 1.0);
        var confidentJoint = offline.GetProperty("confident_joint");
        Assert.InRange(confidentJoint.GetProperty("ranked_auroc").GetDouble(), 0.7, 1.0);
        Assert.InRange(confidentJoint.GetProperty("set").GetProperty("precision").GetDouble(), 0.5, 1.0);
        Assert.InRange(confidentJoint.GetProperty("estimated_noise_rate").GetDouble(), 0.0, 1.0);
        Assert.Equal(3000, confidentJoint.GetProperty("calibrated_joint").EnumerateArray().Sum(row => row.EnumerateArray().Sum(c => c.GetInt64())));

        // A model trained on clean labels only beats chance (10 %) on the clean test set by far.
        var downstream = report.GetProperty("downstream");
        Assert.InRange(downstream.GetProperty("oracle").GetDouble(), 0.4, 1.0);
        AssertProbability(downstream.GetProperty("unweighted"));
        AssertProbability(downstream.GetProperty("easyhard_weights"));
        AssertProbability(downstream.GetProperty("noise_factor_only"));
        AssertProbability(downstream.GetProperty("easyhard_noisy_share"));
        AssertProbability(downstream.GetProperty("easyhard_relabel"));
        AssertProbability(downstream.GetProperty("easyhard_weights_corrected"));
        AssertProbability(downstream.GetProperty("cleanlab_pipeline"));
        AssertProbability(downstream.GetProperty("resampled"));
        // Records per sample, copies counted: w / c copies on average with the weights held at a mean of 1, so about 1 and
        // above it when the weights lift the clean samples (not a probability).
        Assert.InRange(downstream.GetProperty("resampled_share").GetDouble(), 0.5, 2.0);
        AssertProbability(downstream.GetProperty("relabel_correct"));
        var influence = report.GetProperty("influence");
        Assert.Equal(downstream.GetProperty("unweighted").GetDouble(), influence.GetProperty("all").GetDouble());
        AssertProbability(influence.GetProperty("kept_by_influence"));
        AssertProbability(influence.GetProperty("kept_by_signed_influence"));
        AssertProbability(influence.GetProperty("kept_at_random"));
        AssertProbability(influence.GetProperty("kept_by_lowest_noise"));
        AssertProbability(influence.GetProperty("noisy_share_by_influence"));

        var targets = report.GetProperty("targets").EnumerateArray().ToList();
        Assert.Equal(12, targets.Count);
        Assert.All(targets, t => Assert.Contains(t.GetProperty("passed").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False, JsonValueKind.Null }));

        var markdown = File.ReadAllText(Path.Combine(directory, QualityReportWriter.MarkdownFile));
        string[] rows =
        [
            "| noise AUROC |", "| EasyHard `noise`, last exposure (epoch 2)", "| EasyHard `noise`, epoch 1 of 2", "| offline 2-fold, self-confidence",
            "| offline 2-fold, normalized margin", "| offline 2-fold, confident joint `prune_by_noise_rate`", "| difficulty: Spearman",
            "| calibration: mean `noise`", "| calibration: expected calibration error of `noise`", "| unweighted, all samples", "| EasyHard weights", "| diagnostic: (1 − `noise`) only", "| oracle weights", "| 50 % kept by EasyHard influence", "| 50 % kept at random",
            "| EasyHard suggested labels × their probability", "| EasyHard weights + suggested labels where they differ", "| offline cleanlab pipeline", "| resampled trainer stream", "| 50 % kept by lowest EasyHard noise",
            "| diagnostic: 50 % kept by signed influence",
        ];
        Assert.All(rows, row => Assert.Contains(row, markdown, StringComparison.Ordinal));
        Assert.Contains("MLP (Adam, lr 0.001, batch 128, 2 epochs) on the samples as the proxy sees them (784 pixels and 784 image features)", markdown, StringComparison.Ordinal);
        Assert.Contains("a second offline run (other folds and initialisations): ", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void BenchQuality_BadNoiseSpec_FailsWithUsageError()
    {
        var root = new RootCommand { BenchCommand.Create() };

        var exitCode = root.Parse(["bench", "quality", "--noise", "gaussian:0.2", "--out", Path.GetTempPath()]).Invoke();

        Assert.Equal(2, exitCode);
    }

    [Fact]
    public void BenchQuality_NoDownstreamModel_FailsNamingTheOption()
    {
        var root = new RootCommand { BenchCommand.Create() };
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(TextWriter.Synchronized(error));
        try
        {
            var exitCode = root.Parse(["bench", "quality", "--noise", "none", "--downstream-repeats", "0", "--out", Path.GetTempPath()]).Invoke();

            Assert.Equal(2, exitCode);
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Contains("--downstream-repeats must be at least 1", error.ToString(), StringComparison.Ordinal);
    }

    private static void AssertProbability(JsonElement value) => Assert.InRange(value.GetDouble(), 0.0, 1.0);
}
