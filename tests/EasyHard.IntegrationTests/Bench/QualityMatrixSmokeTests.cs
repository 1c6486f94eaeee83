using System.CommandLine;
using System.Text.Json;
using EasyHard.Bench.Quality;
using EasyHard.Bench.Commands;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>
/// <c>easyhard bench quality --matrix smoke</c>: the matrix runs its cases, writes one table and JSON with EasyHard
/// next to the offline reference of the same data, and checks the targets that apply. The full matrix is a
/// benchmark, not a test. Needs Fashion-MNIST at its default directory, which CI installs.
/// </summary>
public sealed class QualityMatrixSmokeTests
{
    [Fact]
    public void BenchQualityMatrix_Smoke_WritesEveryCaseWithItsOfflineReference()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-bench-matrix-").FullName;
        var root = new RootCommand { BenchCommand.Create() };

        var exitCode = root.Parse([
            "bench", "quality", "--matrix", "smoke", "--folds", "2", "--train-epochs", "2", "--out", directory, "--Scorer:Statistics:WarmupSamples=500",
        ]).Invoke();

        Assert.Equal(0, exitCode);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, MatrixReport.Name + ".json")));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(MatrixCase.Smoke.Select(c => c.Name), rows.Select(r => r.GetProperty("case").GetString()));

        var noisy = rows[0];
        Assert.Equal(3000, noisy.GetProperty("samples").GetInt32());
        Assert.InRange(noisy.GetProperty("true_noise_rate").GetDouble(), 0.35, 0.45);
        Assert.InRange(noisy.GetProperty("easy_hard").GetProperty("auroc").GetDouble(), 0.6, 1.0);
        Assert.InRange(noisy.GetProperty("offline").GetProperty("self_confidence").GetProperty("auroc").GetDouble(), 0.7, 1.0);
        Assert.InRange(noisy.GetProperty("noise_calibration_error").GetDouble(), 0.0, 0.3);
        Assert.Contains(noisy.GetProperty("targets").EnumerateArray(), t => t.GetProperty("check").GetString() == "mean noise vs true rate");
        // Downstream: fresh MLPs on the case's own data, scored on the clean test split; the weights' targets apply.
        var downstream = noisy.GetProperty("downstream");
        foreach (var arm in (string[])["unweighted", "easyhard_weights", "easyhard_weights_corrected", "easyhard_relabel", "resampled", "oracle", "cleanlab_pipeline"])
        {
            Assert.InRange(downstream.GetProperty(arm).GetDouble(), 0.3, 1.0);
        }

        Assert.Equal(
            ["mean weight, noisy / clean", "downstream accuracy, EasyHard weights vs unweighted"],
            noisy.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("check").GetString()).Where(c => c!.Contains("weight", StringComparison.Ordinal)));

        // The small stream: 49 features, no injected noise, two epochs: the no-noise targets apply, AUROC does not exist.
        var clean = rows[1];
        Assert.Equal(49, clean.GetProperty("dimension").GetInt32());
        Assert.Equal(0, clean.GetProperty("true_noise_rate").GetDouble());
        Assert.Equal(2, clean.GetProperty("epochs").GetInt32());
        Assert.InRange(clean.GetProperty("mean_noise").GetDouble(), 0, 1);
        Assert.InRange(clean.GetProperty("quarantined_share").GetDouble(), 0, 1);
        Assert.NotEqual(JsonValueKind.Number, clean.GetProperty("noise_calibration_error").ValueKind); // no label is wrong: nothing to calibrate against
        Assert.Equal(
            ["mean noise, no noise injected", "quarantined, no noise injected", "downstream accuracy, EasyHard weights vs unweighted on clean data"],
            clean.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("check").GetString()));

        var markdown = File.ReadAllText(Path.Combine(directory, MatrixReport.Name + ".md"));
        Assert.Contains("| case | samples | true rate | EasyHard AUROC", markdown, StringComparison.Ordinal);
        Assert.Contains("| mean noise | noise ECE | quarantined |", markdown, StringComparison.Ordinal);
        Assert.Contains(MatrixCase.Smoke[1].Name, markdown, StringComparison.Ordinal);
        Assert.Contains("| case | unweighted | EasyHard weights | weights + suggested labels |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void LongTailed_SmallestClassIsATenthOfTheLargest()
    {
        var labels = Enumerable.Range(0, 10_000).Select(i => i % 10).ToArray();
        var source = new DenseDataset("d", 1, 10, new float[10_000], labels);
        var tail = DatasetVariants.LongTailed(source, 0.1);
        var counts = Enumerable.Range(0, 10).Select(c => tail.Labels.Count(l => l == c)).ToArray();
        Assert.Equal(1000, counts[0]);
        Assert.Equal(100, counts[9]);
        Assert.True(counts.Zip(counts.Skip(1)).All(p => p.First >= p.Second));
    }

    [Fact]
    public void Downsampled_AveragesBlocks()
    {
        // One 4 × 4 image with pixel value = its index, averaged over 2 × 2 blocks.
        var source = new DenseDataset("d", 16, 2, [.. Enumerable.Range(0, 16).Select(i => (float)i)], [1]);
        var small = DatasetVariants.Downsampled(source, 4, 2, 1);
        Assert.Equal(4, small.Dimension);
        Assert.Equal([2.5f, 4.5f, 10.5f, 12.5f], small.Features);
        Assert.Equal([1], small.Labels);
    }

    [Fact]
    public void Targets_CleanCase_ChecksMeanNoiseAndQuarantine_NoisyCaseChecksCalibration()
    {
        var ranking = new RankingFigures(0.99, 0.98);
        var offline = new OfflineFigures(0.5, 0.8, new RankingFigures(0.9, 0.9), new RankingFigures(0.94, 0.9), new ConfidentJointFigures(new SetFigures(1, 1, 1, 1), 0.96, 0.4, [], []));
        var clean = MatrixTargets.Check(new MatrixCase(MatrixData.FashionMnist, 60_000, NoiseSpec.None, 1), ranking, double.NaN, offline, 0.09, 0, 0.005, 0.8);
        Assert.Equal([false, true], clean.Select(t => t.Passed));

        var pair = MatrixTargets.Check(new MatrixCase(MatrixData.FashionMnist, 20_000, new NoiseSpec(NoiseKind.PairFlip, 0.45), 1), ranking, 0.96, offline, 0.5, 0.45, 0, 0.8);
        Assert.Equal(["AUROC vs best offline (20k)", "AUROC vs offline self-confidence + 0.05", "mean noise vs true rate"], pair.Select(t => t.Check));
        Assert.All(pair, t => Assert.True(t.Passed));
    }

    [Fact]
    public void DownstreamTargets_EveryNoisyCase_RatioAndGain_HeadlineCases_OracleCleanlabResampled_CleanCase_NoHarm()
    {
        // Accuracies: unweighted 85.0, weights 86.6, weights + labels 86.0, noise factor 86.0, oracle 87.0,
        // suggested labels 85.5, cleanlab 86.8, resampled 85.4.
        var d = new DownstreamFigures(0.850, 0.866, 0.860, 0.860, 0.870, 0.2, 0.2, 0.855, 0.868, 0.9, 0.854, 1.0);
        var symmetric = new NoiseSpec(NoiseKind.Symmetric, 0.4);

        var headline = MatrixTargets.CheckDownstream(new MatrixCase(MatrixData.FashionMnist, 60_000, symmetric, 1), d, 0.6, 1.2);
        Assert.Equal(
            ["mean weight, noisy / clean", "downstream accuracy, EasyHard weights vs unweighted", "downstream accuracy, EasyHard weights vs oracle",
                "downstream accuracy, EasyHard weights vs offline cleanlab pipeline", "downstream accuracy, resampled stream unweighted vs unweighted on all data"],
            headline.Select(t => t.Check));
        // 0.6 ≤ 0.5 × 1.2; 86.6 > 85.0; 86.6 ≥ 87.0 − 0.5; 86.6 ≥ 86.8 − 0.3; 85.4 < 85.0 + 0.5.
        Assert.Equal([true, true, true, true, false], headline.Select(t => t.Passed));

        // Three epochs, or 20k samples: only the ratio and the gain over unweighted.
        var longer = MatrixTargets.CheckDownstream(new MatrixCase(MatrixData.FashionMnist, 60_000, symmetric, 3), d, 0.61, 1.2);
        Assert.Equal([false, true], longer.Select(t => t.Passed)); // 0.61 > 0.6

        // Pair flips at 60k, one pass: the better of weights (86.6) and suggested labels (85.5) against cleanlab (86.8).
        var pair = MatrixTargets.CheckDownstream(new MatrixCase(MatrixData.FashionMnist, 60_000, new NoiseSpec(NoiseKind.PairFlip, 0.45), 1), d, 0.3, 1.2);
        Assert.Equal(["mean weight, noisy / clean", "downstream accuracy, EasyHard weights vs unweighted", "downstream accuracy, EasyHard weights vs offline cleanlab pipeline"], pair.Select(t => t.Check));
        Assert.Equal([true, true, false], pair.Select(t => t.Passed));

        // No noise: the weights may cost at most 0.2 point (84.9 ≥ 85.0 − 0.2), and no ratio applies.
        var harmless = d with { EasyHardWeights = 0.849 };
        var clean = MatrixTargets.CheckDownstream(new MatrixCase(MatrixData.Small, 3_000, NoiseSpec.None, 3), harmless, double.NaN, 1.0);
        Assert.Equal([true], clean.Select(t => t.Passed));
        Assert.Equal([false], MatrixTargets.CheckDownstream(new MatrixCase(MatrixData.Small, 3_000, NoiseSpec.None, 3), d with { EasyHardWeights = 0.847 }, double.NaN, 1.0).Select(t => t.Passed));
    }
}
