using EasyHard.Bench.Quality;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.IntegrationTests.Bench;

public sealed class QualityTargetsTests
{
    private static readonly SetFigures AnySet = new(10, 0.5, 0.5, 0.5);

    [Fact]
    public void Check_Symmetric_HoldsNoiseAurocToFloorAndBestOfflineRanking()
    {
        var targets = Check(NoiseSpec.Parse("symmetric:0.4"), easyHardAuroc: 0.990, selfConfidence: 0.989, margin: 0.993);

        Assert.True(Passed(targets, "noise AUROC"));
        Assert.False(Passed(targets, "noise AUROC vs best offline K-fold ranking")); // 0.990 < 0.993 − 0.002
        Assert.Null(Passed(targets, "noise AUROC vs offline self-confidence"));
    }

    [Fact]
    public void Check_PairFlip_ComparesWithSelfConfidenceOnly()
    {
        var targets = Check(NoiseSpec.Parse("pairflip:0.3"), easyHardAuroc: 0.95, selfConfidence: 0.94, margin: 0.99);

        Assert.Null(Passed(targets, "noise AUROC"));
        Assert.Null(Passed(targets, "noise AUROC vs best offline K-fold ranking"));
        Assert.True(Passed(targets, "noise AUROC vs offline self-confidence"));
    }

    [Fact]
    public void Check_DownstreamInfluenceCalibration_UsePointsAndTolerances()
    {
        var targets = Check(NoiseSpec.Parse("symmetric:0.4"), 0.9, 0.9, 0.9);

        Assert.True(Passed(targets, "downstream accuracy, EasyHard weights vs oracle")); // 86.6 ≥ 87.0 − 0.5
        Assert.True(Passed(targets, "downstream accuracy, EasyHard weights vs unweighted"));
        Assert.False(Passed(targets, "accuracy, 50 % kept by influence vs at random")); // 84.8 < 84.5 + 0.5
        Assert.True(Passed(targets, "calibration: mean noise vs true noise rate")); // |0.36 − 0.40| ≤ 0.05
        Assert.False(Passed(targets, "difficulty Spearman with offline 1 − p(given)")); // 0.84 < 0.85
        Assert.True(Passed(targets, "downstream accuracy, EasyHard weights vs offline cleanlab pipeline")); // 86.6 ≥ 86.8 − 0.3
        Assert.True(Passed(targets, "mean weight, noisy / clean")); // 0.5 ≤ 0.5 × 1.2
        Assert.Null(Passed(targets, "downstream accuracy, EasyHard weights vs unweighted on clean data")); // noisy case
        Assert.True(Passed(targets, "downstream accuracy, resampled stream unweighted vs unweighted on all data")); // 85.6 ≥ 85.0 + 0.5
    }

    [Fact]
    public void Check_PairFlip_CleanlabPipeline_IsMatchedByWeightsOrRelabel_CleanData_ChecksHarm()
    {
        // Pair flips: the better of weights (86.6) and suggested labels (85.5) against cleanlab (86.8): missed.
        Assert.False(Passed(Check(NoiseSpec.Parse("pairflip:0.3"), 0.9, 0.9, 0.9), "downstream accuracy, EasyHard weights vs offline cleanlab pipeline"));
        var clean = Check(NoiseSpec.None, 0.9, 0.9, 0.9);
        Assert.True(Passed(clean, "downstream accuracy, EasyHard weights vs unweighted on clean data")); // 86.6 ≥ 85.0 − 0.2
        Assert.Null(Passed(clean, "mean weight, noisy / clean"));
        Assert.Null(Passed(clean, "downstream accuracy, EasyHard weights vs offline cleanlab pipeline"));
    }

    private static IReadOnlyList<TargetCheck> Check(NoiseSpec noise, double easyHardAuroc, double selfConfidence, double margin)
    {
        var exposure = new ExposureFigures(new RankingFigures(easyHardAuroc, 0.9), new RankingFigures(easyHardAuroc, 0.9), 100, AnySet, 0.84, 0.36, 0.5, 1.2, 0.03);
        var offline = new OfflineFigures(0.5, 0.8, new RankingFigures(selfConfidence, 0.9), new RankingFigures(margin, 0.9),
            new ConfidentJointFigures(AnySet, 0.5, 0.4, [], []));
        return QualityTargets.Check(noise, new EasyHardFigures(exposure, null, 0.5, 1), offline,
            new DownstreamFigures(0.85, 0.866, 0.867, 0.86, 0.87, 0.3, 0.35, 0.855, 0.868, 0.8, 0.856, 0.6), new InfluenceFigures(0.5, 0.85, 0.848, 0.84, 0.846, 0.849, 0.845, 0.3, 0.4, 0.1, 0.1), 0.40);
    }

    private static bool? Passed(IReadOnlyList<TargetCheck> targets, string check) => targets.Single(t => t.Check == check).Passed;
}
