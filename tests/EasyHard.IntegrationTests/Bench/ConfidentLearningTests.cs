using EasyHard.Bench.Quality;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>Confident joint and prune_by_noise_rate on examples small enough to follow by hand.</summary>
public sealed class ConfidentLearningTests
{
    // Seven samples, three classes. Samples 2 and 3 are labelled 0 but look like class 1.
    private static readonly int[] Labels = [0, 0, 0, 0, 1, 1, 2];

    private static readonly float[] Probabilities =
    [
        0.90f, 0.05f, 0.05f,
        0.30f, 0.40f, 0.30f,
        0.10f, 0.85f, 0.05f,
        0.20f, 0.75f, 0.05f,
        0.10f, 0.80f, 0.10f,
        0.10f, 0.90f, 0.00f,
        0.00f, 0.10f, 0.90f,
    ];

    [Fact]
    public void Thresholds_AreMeanSelfConfidencePerGivenClass()
    {
        var thresholds = ConfidentLearning.Thresholds(Probabilities, Labels, 3);

        // t0 = (0.9 + 0.3 + 0.1 + 0.2) / 4, t1 = (0.8 + 0.9) / 2, t2 = 0.9.
        Assert.Equal(0.375, thresholds[0], 6);
        Assert.Equal(0.85, thresholds[1], 6);
        Assert.Equal(0.9, thresholds[2], 6);
    }

    [Fact]
    public void ConfidentJoint_CountsSamplesAboveThreshold_SkipsUnconfidentOnes()
    {
        var thresholds = ConfidentLearning.Thresholds(Probabilities, Labels, 3);

        var joint = ConfidentLearning.ConfidentJoint(Probabilities, Labels, 3, thresholds);

        // Sample 0 → (0,0); 1 and 3 reach no threshold; 2 → (0,1) since 0.85 ≥ t1; 4 misses t1; 5 → (1,1); 6 → (2,2).
        Assert.Equal(new long[,] { { 1, 1, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, joint);
    }

    [Fact]
    public void ConfidentJoint_SeveralConfidentClasses_TakesArgmax_AndDiagonalIsAtLeastOne()
    {
        float[] probabilities =
        [
            0.35f, 0.60f, 0.05f, // label 2: confident in 0 and 1 → the larger, 1
            0.35f, 0.20f, 0.45f, // label 2: confident in 0 only
            0.25f, 0.25f, 0.50f, // label 0: confident in nothing, not counted
        ];

        var joint = ConfidentLearning.ConfidentJoint(probabilities, [2, 2, 0], 3, [0.3, 0.3, 0.9]);

        Assert.Equal(new long[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 1, 1, 1 } }, joint);
    }

    [Fact]
    public void Calibrate_ScalesRowsToNoisyLabelCounts()
    {
        var calibrated = ConfidentLearning.Calibrate(new long[,] { { 3, 1 }, { 1, 1 } }, [8, 4]);

        Assert.Equal(new long[,] { { 6, 2 }, { 2, 2 } }, calibrated);
    }

    [Fact]
    public void RoundPreservingSum_GivesTheMissingUnitToTheLargestRemainder()
    {
        // Rounded [0, 0, 0, 2] sums to 2, the inputs to 3: the first of the equal remainders 0.4 gets the unit.
        Assert.Equal([1L, 0, 0, 2], ConfidentLearning.RoundPreservingSum([0.4, 0.4, 0.4, 1.8]));

        // Rounded [1, 1, 1] sums to 3, the inputs to 2: the most rounded-up entry loses one.
        Assert.Equal([1L, 0, 1], ConfidentLearning.RoundPreservingSum([0.6, 0.5001, 0.9]));
    }

    [Fact]
    public void FindLabelIssues_PrunesTheLargestMarginsOfEachOffDiagonalCell()
    {
        var issues = ConfidentLearning.FindLabelIssues(Probabilities, Labels, 3);

        // Row 0 [1, 1, 0] calibrated to 4 samples → [2, 2, 0]: prune the 2 samples labelled 0 with the largest
        // p1 − p0 (sample 2: 0.75, sample 3: 0.55; sample 1: 0.10 stays).
        Assert.Equal(new long[,] { { 2, 2, 0 }, { 0, 2, 0 }, { 0, 0, 1 } }, issues.Calibrated);
        Assert.Equal([false, false, true, true, false, false, false], issues.Issues);
        Assert.Equal(2.0 / 7.0, issues.EstimatedNoiseRate, 12);
    }

    [Fact]
    public void FindLabelIssues_WrongShape_Throws()
    {
        Assert.Throws<ArgumentException>(() => ConfidentLearning.FindLabelIssues(new float[5], [0, 1], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConfidentLearning.FindLabelIssues(new float[6], [0, 3], 3));
    }
}
