using EasyHard.Scorer.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Tests;

public sealed class NoiseModelTests
{
    [Fact]
    public void Assign_PicksTheMostProbableClassAboveItsThreshold_OrNone()
    {
        using var scope = NewDisposeScope();
        var p = tensor(new float[] { 0.5f, 0.4f, 0.1f, 0.3f, 0.3f, 0.4f, 0.2f, 0.2f, 0.6f }, [3, 3]);
        var thresholds = tensor(new float[] { 0.6f, 0.35f, 0.7f });

        var assigned = ConfidentJoint.Assign(p, thresholds).data<long>().ToArray();

        // Row 0: only class 1 clears (0.4 ≥ 0.35). Row 1: none clears. Row 2: none (0.6 < 0.7).
        Assert.Equal([1L, -1L, -1L], assigned);
    }

    [Fact]
    public void Joint_CountsAndTransition_MatchHandComputed()
    {
        var joint = new ConfidentJoint(2, 1.0);
        // Label 0: 3 assigned to 0, 1 assigned to 1. Label 1: 4 assigned to 1.
        joint.Update([0, 0, 0, 0, 1, 1, 1, 1], [0L, 0L, 0L, 1L, 1L, 1L, 1L, 1L], [true, true, true, true, true, true, true, true]);

        // Row 0 = [1 + 3, 0.01 + 1] (priors 1 on the diagonal, 0.01 off it).
        Assert.Equal(1.01 / 5.01, joint.NoiseRate(0), 9);
        var t = joint.Transition([0.5, 0.5]);
        // Calibrated rows (each to 0.5): row0 = [4/5.01, 1.01/5.01]/2, row1 = [0.01/5.01, 5/5.01]/2.
        Assert.Equal(4 / 4.01, t[0], 5);                 // T[0][0] = P(ỹ = 0 | y* = 0)
        Assert.Equal(1.01 / 6.01, t[1], 5);              // T[0][1] = P(ỹ = 0 | y* = 1)
    }

    [Fact]
    public void RawLogOdds_SymmetricTransition_RanksAsLoss_PairFlipCellRanksByItsMargin()
    {
        using var scope = NewDisposeScope();
        var statistics = new ClassStatistics(3, 64, 1.0);
        var p = tensor(new float[] { 0.6f, 0.3f, 0.1f, 0.5f, 0.1f, 0.4f }, [1, 2, 3]);
        var y = tensor(new long[] { 0, 0 });
        var signals = Signals.Compute(p, zeros(1, 2, 4), y);

        // Fresh joint: T is diagonal-dominant and flat off the diagonal, so s orders like the loss: both samples have
        // p_y ∈ {0.6, 0.5}, s_0 < s_1.
        var s = statistics.RawLogOdds(signals, y).data<float>().ToArray();
        Assert.True(s[0] < s[1]);

        // Teach the joint that label 0 hides true class 1 (pair flip 1 → 0) and never class 2: sample 0
        // (p_1 = 0.3) is now the likelier flip although its loss is lower.
        var labels = Enumerable.Repeat(0, 100).ToArray();
        var assigned = Enumerable.Range(0, 100).Select(i => i < 40 ? 1L : 0L).ToArray();
        statistics.Joint.Update(labels, assigned, Enumerable.Repeat(true, 100).ToArray());
        s = statistics.RawLogOdds(signals, y).data<float>().ToArray();
        Assert.True(s[0] > s[1], $"s = [{s[0]}, {s[1]}]");
    }

    [Fact]
    public void SolveShift_MeanOfCalibratedNoiseEqualsTarget()
    {
        var logOdds = Enumerable.Range(0, 200).Select(i => (float)((i / 20.0) - 5)).ToArray();
        double shift = ClassStatistics.SolveShift(logOdds, 0.3);
        double mean = logOdds.Average(s => 1 / (1 + Math.Exp(-(s + shift))));
        Assert.Equal(0.3, mean, 4);
    }

    [Fact]
    public void Buckets_FollowPerClassQuantiles()
    {
        var statistics = new ClassStatistics(2, 100, 1.0);
        var difficulty = Enumerable.Range(0, 100).Select(i => i / 100f).ToArray();
        var labels = new int[100];
        var zeros = new float[100];
        statistics.Update(new BatchView(labels, zeros, difficulty, zeros, zeros, new long[100], Enumerable.Repeat(true, 100).ToArray()), CPU);

        Assert.Equal(1, statistics.Bucket(0.1f, 0));
        Assert.Equal(2, statistics.Bucket(0.5f, 0));
        Assert.Equal(3, statistics.Bucket(0.9f, 0));
        Assert.Equal(2, statistics.Bucket(0.9f, 1)); // class 1 has no samples yet: medium
    }
}
