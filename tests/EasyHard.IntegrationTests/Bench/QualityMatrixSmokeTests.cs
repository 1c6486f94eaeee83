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

        // The small stream: 49 features, no injected noise, two epochs: the no-noise targets apply, AUROC does not exist.
        var clean = rows[1];
        Assert.Equal(49, clean.GetProperty("dimension").GetInt32());
        Assert.Equal(0, clean.GetProperty("true_noise_rate").GetDouble());
        Assert.Equal(2, clean.GetProperty("epochs").GetInt32());
        Assert.InRange(clean.GetProperty("mean_noise").GetDouble(), 0, 1);
        Assert.InRange(clean.GetProperty("quarantined_share").GetDouble(), 0, 1);
        Assert.NotEqual(JsonValueKind.Number, clean.GetProperty("noise_calibration_error").ValueKind); // no label is wrong: nothing to calibrate against
        Assert.Equal(
            ["mean noise, no noise injected", "quarantined, no noise injected"],
            clean.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("check").GetString()));

        var markdown = File.ReadAllText(Path.Combine(directory, MatrixReport.Name + ".md"));
        Assert.Contains("| case | samples | true rate | EasyHard AUROC", markdown, StringComparison.Ordinal);
        Assert.Contains("| mean noise | noise ECE | quarantined |", markdown, StringComparison.Ordinal);
        Assert.Contains(MatrixCase.Smoke[1].Name, markdown, StringComparison.Ordinal);
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
}
