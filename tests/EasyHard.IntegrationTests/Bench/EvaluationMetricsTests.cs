using EasyHard.Evaluation.Metrics;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>The ranking and set metrics of the quality benchmark, against values worked out by hand.</summary>
public sealed class EvaluationMetricsTests
{
    [Fact]
    public void AveragePrecision_DistinctScores_IsStepAreaUnderPrecisionRecall()
    {
        // Thresholds from the top: (P=1, R=½), (P=½, R=½), (P=⅔, R=1) → AP = ½·1 + ½·⅔ = 5/6.
        var ap = AveragePrecision.Compute([0.9, 0.8, 0.7, 0.6], [true, false, true, false]);

        Assert.Equal(5.0 / 6.0, ap, 12);
    }

    [Fact]
    public void AveragePrecision_TiedScores_FormOneThreshold()
    {
        // The tie at 0.5 is one threshold: P=½, R=1 → AP = ½, whichever of the two is sorted first.
        Assert.Equal(0.5, AveragePrecision.Compute([0.5, 0.5, 0.1], [true, false, false]), 12);
        Assert.Equal(0.5, AveragePrecision.Compute([0.5, 0.5, 0.1], [false, true, false]), 12);
    }

    [Fact]
    public void AveragePrecision_PerfectRanking_IsOne_AndNoPositive_IsNaN()
    {
        Assert.Equal(1.0, AveragePrecision.Compute([0.9, 0.8, 0.1], [true, true, false]), 12);
        Assert.True(double.IsNaN(AveragePrecision.Compute([0.9, 0.8], [false, false])));
    }

    [Fact]
    public void CalibrationError_WeighsEachBinsGapByItsShare()
    {
        // Bin [0.1, 0.2): p 0.1, 0.1, one of two positive → gap 0.4, share ½; bin [0.9, 1]: p 0.9, 1.0, both positive →
        // gap 0.05 · 2 = 0.1 over 4 samples. ECE = (0.8 + 0.1) / 4.
        Assert.Equal(0.9 / 4, CalibrationError.Compute([0.1, 0.1, 0.9, 1.0], [true, false, true, true]), 12);
        Assert.Equal(0.0, CalibrationError.Compute([0.25, 0.25, 0.25, 0.25], [true, false, false, false]), 12);
        Assert.True(double.IsNaN(CalibrationError.Compute([], [])));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalibrationError.Compute([1.5], [true]));
    }

    [Fact]
    public void Spearman_WithTies_UsesAverageRanks()
    {
        // y ranks [1, 2, 3.5, 5, 3.5]; Pearson with [1..5]: Σdxdy = 8, Σdx² = 10, Σdy² = 9.5 → ρ = 8/√95 ≈ 0.8208.
        var rho = Spearman.Compute([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]);

        Assert.Equal(8 / Math.Sqrt(95), rho, 12);
    }

    [Fact]
    public void Spearman_MonotoneIsOne_ReversedIsMinusOne_ConstantIsNaN()
    {
        Assert.Equal(1.0, Spearman.Compute([1, 2, 3], [10, 100, 1000]), 12);
        Assert.Equal(-1.0, Spearman.Compute([1, 2, 3], [3, 2, 1]), 12);
        Assert.True(double.IsNaN(Spearman.Compute([1, 2, 3], [4, 4, 4])));
    }

    [Fact]
    public void Ranking_Average_GivesTiesTheMeanOfTheirRanks()
    {
        Assert.Equal([2.5, 1.0, 2.5, 4.0], Ranking.Average([0.3, 0.1, 0.3, 0.9]));
    }

    [Fact]
    public void Auroc_HandComputed_AndTiesCountHalf()
    {
        // Positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered right.
        Assert.Equal(0.75, Auroc.Compute([0.1, 0.4, 0.35, 0.8], [false, false, true, true]), 12);
        Assert.Equal(0.5, Auroc.Compute([0.5, 0.5], [true, false]), 12);
    }

    [Fact]
    public void SetDetection_CountsPrecisionRecallAndF1()
    {
        var detection = SetDetection.Compute([true, true, true, false, false], [true, false, true, true, false]);

        Assert.Equal(new SetDetection(3, 3, 2), detection);
        Assert.Equal(2.0 / 3.0, detection.Precision, 12);
        Assert.Equal(2.0 / 3.0, detection.Recall, 12);
        Assert.Equal(2.0 / 3.0, detection.F1, 12);
        Assert.True(double.IsNaN(SetDetection.Compute([false], [true]).Precision));
    }
}
