using EasyHard.Scorer.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Tests;

public sealed class NoiseModelTests
{
    [Fact]
    public void Assign_PicksTheMostProbableClassAboveItsThreshold_OrNone()
    {
        float[] p = [0.5f, 0.4f, 0.1f, 0.3f, 0.3f, 0.4f, 0.2f, 0.2f, 0.6f];
        var signals = BatchSignals.Compute(p, new float[3], [0, 0, 0], 1, 3, Enumerable.Repeat(1.0, 9).ToArray(), [0.6f, 0.35f, 0.7f]);

        // Row 0: only class 1 clears (0.4 ≥ 0.35). Row 1: none clears. Row 2: none (0.6 < 0.7).
        Assert.Equal([1L, -1L, -1L], signals.Assigned);
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
        var statistics = new ClassStatistics(3, 64, 1.0);
        float[] p = [0.6f, 0.3f, 0.1f, 0.5f, 0.1f, 0.4f];
        float[] RawLogOdds() =>
            BatchSignals.Compute(p, new float[2], [0, 0], 1, 3, statistics.CellWeights(), statistics.ThresholdValues()).RawLogOdds;

        // Fresh joint: T is diagonal-dominant and flat off the diagonal, so s orders like the loss: both samples have
        // p_y ∈ {0.6, 0.5}, s_0 < s_1.
        var s = RawLogOdds();
        Assert.True(s[0] < s[1]);

        // Teach the joint that label 0 hides true class 1 (pair flip 1 → 0) and never class 2: sample 0
        // (p_1 = 0.3) is now the likelier flip although its loss is lower.
        var labels = Enumerable.Repeat(0, 100).ToArray();
        var assigned = Enumerable.Range(0, 100).Select(i => i < 40 ? 1L : 0L).ToArray();
        statistics.Joint.Update(labels, assigned, Enumerable.Repeat(true, 100).ToArray());
        s = RawLogOdds();
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

    [Theory]
    [InlineData(0.0)]
    [InlineData(-35.0)]
    [InlineData(39.0)]
    public void SolveShift_ReachesTheSameRootFromAnyStart(double start)
    {
        var random = new Random(3);
        var logOdds = Enumerable.Range(0, 5000).Select(_ => (float)((random.NextDouble() * 30) - 20)).ToArray();
        double shift = ClassStatistics.SolveShift(logOdds, 0.12, start);
        double mean = logOdds.Average(s => 1 / (1 + Math.Exp(-Math.Clamp(s + shift, -14, 14))));
        Assert.Equal(0.12, mean, 9);
    }

    [Fact]
    public void SolveShift_UnreachableTarget_StopsAtTheBound()
    {
        // Every value clamps at +14 once b ≥ 14 − min(s): the mean cannot reach 0.999 below σ(14) < 0.999999, but it
        // cannot go below 1e-3 either; a target under the floor of reachable means drives b to the lower bound.
        var logOdds = new float[] { 60f, 70f, 80f };
        double shift = ClassStatistics.SolveShift(logOdds, 1e-6);
        Assert.Equal(-40, shift, 6);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void SolveShift_WithASlope_HoldsTheMeanOfTheSteeperMap(double slope)
    {
        var random = new Random(4);
        var logOdds = Enumerable.Range(0, 3000).Select(_ => (float)((random.NextDouble() * 8) - 5)).ToArray();
        double shift = ClassStatistics.SolveShift(logOdds, 0.4, 0, slope);
        double mean = logOdds.Average(s => 1 / (1 + Math.Exp(-slope * (s + shift))));
        Assert.Equal(0.4, mean, 9);
    }

    [Fact]
    public void Calibration_Slope_SharpensWithoutReordering_AndKeepsTheUninformedStart()
    {
        var flat = new ClassStatistics(10, 256, 1.0);
        var steep = new ClassStatistics(10, 256, 1.0, calibrationSlope: 2.5);
        float uniform = (float)Math.Log(9.0);
        Assert.Equal(0.3, steep.Calibrate(uniform), 5);                               // σ(a (s + b₀)) = 0.3 at a uniform prediction
        Assert.Equal((Math.Log(0.3 / 0.7) / 2.5) - Math.Log(9.0), ClassStatistics.InitialShift(10, 2.5), 9);

        // noise = σ(2.5 (s + b)): the same order as σ(s + b), further from the middle on both sides.
        var rows = 300;
        var labels = Enumerable.Range(0, rows).Select(i => i % 10).ToArray();
        var logOdds = Enumerable.Range(0, rows).Select(i => (float)((i % 11) - 2.5)).ToArray();
        var zeros = new float[rows];
        var view = new BatchView(labels, zeros, zeros, logOdds, zeros, Enumerable.Repeat(-1L, rows).ToArray(), new long[rows], zeros, Enumerable.Repeat(true, rows).ToArray());
        steep.Update(view, warm: true);
        double b0 = ClassStatistics.InitialShift(10, 2.5);
        double solved = ClassStatistics.SolveShift(logOdds, steep.EstimatedNoiseRate(), 0, 2.5);
        double shift = b0 + (0.5 * (solved - b0));                                    // the first solution's running mean
        foreach (float s in new[] { -3f, 0f, 2f, 6f })
        {
            Assert.Equal(1 / (1 + Math.Exp(-2.5 * (s + shift))), steep.Calibrate(s), 4);
        }

        flat.Update(view, warm: true);
        static double Spread(IEnumerable<float> values)
        {
            var v = values.Select(x => (double)x).ToArray();
            return v.Average(x => x * x) - Math.Pow(v.Average(), 2);
        }

        Assert.True(Spread(logOdds.Select(steep.Calibrate)) > 1.5 * Spread(logOdds.Select(flat.Calibrate)));
        var order = logOdds.Select(steep.Calibrate).ToArray();                    // never reorders (ties only where the map saturates)
        Assert.True(Enumerable.Range(0, rows).All(i => Enumerable.Range(0, rows).All(j => logOdds[i] > logOdds[j] || order[i] <= order[j])));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ClassStatistics(10, 256, 1.0, calibrationSlope: 0));
    }

    [Fact]
    public void Mixture_RecoversTwoSeparatedComponents()
    {
        var random = new Random(5);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var x = Enumerable.Range(0, 2000).Select(i => (float)(i % 10 < 3 ? 4 + (0.5 * Normal()) : -2 + Normal())).ToArray();

        var fit = GaussianMixture1D.Fit(x, null, 50, 1e-3);

        Assert.Equal(-2, fit.Mu0, tolerance: 0.1);
        Assert.Equal(1, fit.Var0, tolerance: 0.1);
        Assert.Equal(4, fit.Mu1, tolerance: 0.1);
        Assert.Equal(0.25, fit.Var1, tolerance: 0.05);
        Assert.Equal(0.3, fit.Pi1, tolerance: 0.02);

        // Warm-started from a fit with the components swapped, it still returns the noisy one as component 1.
        var swapped = GaussianMixture1D.Fit(x, new GaussianMixture1D(4, 0.25, -2, 1, 0.7), 8, 1e-3);
        Assert.Equal(fit.Mu1, swapped.Mu1, tolerance: 1e-3);
        Assert.Equal(fit.Pi1, swapped.Pi1, tolerance: 1e-3);
    }

    [Fact]
    public void Mixture_ConstantWindow_KeepsVariancesAtTheFloor()
    {
        var fit = GaussianMixture1D.Fit(Enumerable.Repeat(1.5f, 64).ToArray(), null, 8, 1e-3);

        Assert.Equal(1e-3, fit.Var0, 9);
        Assert.Equal(1e-3, fit.Var1, 9);
        Assert.True(double.IsFinite(fit.Mu0) && double.IsFinite(fit.Mu1) && fit.Pi1 is >= 1e-3 and <= 1 - 1e-3);
    }

    [Fact]
    public void Buckets_FollowPerClassQuantiles()
    {
        var statistics = new ClassStatistics(2, 100, 1.0);
        var difficulty = Enumerable.Range(0, 100).Select(i => i / 100f).ToArray();
        var labels = new int[100];
        var zeros = new float[100];
        statistics.Update(new BatchView(labels, zeros, difficulty, zeros, zeros, new long[100], new long[100], zeros, Enumerable.Repeat(true, 100).ToArray()));

        Assert.Equal(1, statistics.Bucket(0.1f, 0));
        Assert.Equal(2, statistics.Bucket(0.5f, 0));
        Assert.Equal(3, statistics.Bucket(0.9f, 0));
        Assert.Equal(2, statistics.Bucket(0.9f, 1)); // class 1 has no samples yet: medium
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.7)]
    [InlineData(0.0)]
    public void TargetRate_WeighsTheJointsRateAndTheMixturesByJointRateShare(double share)
    {
        var statistics = new ClassStatistics(3, 64, 1.0, jointRateShare: share);
        // Class 0: the joint puts 40 of 100 samples off the diagonal; its mixture (once fitted) says 10 %.
        statistics.Joint.Update(Enumerable.Repeat(0, 100).ToArray(), Enumerable.Range(0, 100).Select(i => i < 40 ? 1L : 0L).ToArray(), Enumerable.Repeat(true, 100).ToArray());
        double joint = statistics.Joint.NoiseRate(0);
        Assert.Equal(joint, statistics.TargetRate(0), 9); // before the mixture is fitted: the joint alone

        statistics.Fitted[0] = true;
        statistics.Pi1[0] = 0.1;
        Assert.Equal((share * joint) + ((1 - share) * 0.1), statistics.TargetRate(0), 9);
    }

    [Fact]
    public void Calibration_StartsAtTheUninformedShift_StepsAQuarterThroughWarmUp_ThenAveragesTheSolvedShift()
    {
        var statistics = new ClassStatistics(10, 256, 1.0);
        float uniform = (float)Math.Log(9.0); // s of a uniform prediction over ten classes
        Assert.Equal(0.3, statistics.Calibrate(uniform), 5);
        Assert.Equal(Math.Log(0.3 / 0.7) - Math.Log(9.0), ClassStatistics.InitialShift(10), 9);

        var rows = 200;
        var labels = Enumerable.Range(0, rows).Select(i => i % 10).ToArray();
        var logOdds = Enumerable.Range(0, rows).Select(i => (float)((i % 7) - 3)).ToArray();
        var zeros = new float[rows];
        var view = new BatchView(labels, zeros, zeros, logOdds, zeros, Enumerable.Repeat(-1L, rows).ToArray(), new long[rows], zeros, Enumerable.Repeat(true, rows).ToArray());

        double b0 = ClassStatistics.InitialShift(10);
        statistics.Update(view, warm: false);
        double solved = ClassStatistics.SolveShift(logOdds, statistics.EstimatedNoiseRate());
        double afterWarmup = b0 + (0.25 * (solved - b0));                    // warm-up: a quarter of the way
        Assert.Equal(Sigmoid(uniform + afterWarmup), statistics.Calibrate(uniform), 4);

        statistics.Update(view, warm: true);
        solved = ClassStatistics.SolveShift(logOdds, statistics.EstimatedNoiseRate());
        Assert.Equal(Sigmoid(uniform + afterWarmup + (0.5 * (solved - afterWarmup))), statistics.Calibrate(uniform), 4); // then the running mean

        static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
    }

    [Fact]
    public void CellWeights_TrustAConcentratedRowFully_AndAFlatRowNotAtAll()
    {
        var statistics = new ClassStatistics(4, 64, 1.0);
        // Label 0 hides class 1 (40 of 100), label 1 hides classes 0, 2 and 3 equally (10 each of 100).
        var labels = Enumerable.Repeat(0, 100).Concat(Enumerable.Repeat(1, 100)).ToArray();
        var assigned = Enumerable.Range(0, 100).Select(i => i < 40 ? 1L : 0L)
            .Concat(Enumerable.Range(0, 100).Select(i => i < 10 ? 0L : i < 20 ? 2L : i < 30 ? 3L : 1L)).ToArray();
        statistics.Joint.Update(labels, assigned, Enumerable.Repeat(true, 200).ToArray());
        var t = statistics.Joint.Transition(statistics.LabelShares());
        var w = statistics.CellWeights();

        // Row 0: one cell holds nearly all the off-diagonal mass, so the exponent is 1: w = T / mean off-diagonal T.
        double meanOff0 = (t[1] + t[2] + t[3]) / 3;
        Assert.Equal(t[1] / meanOff0, w[1], 6);
        Assert.True(w[1] > 2.5, $"w01 = {w[1]}");

        // Row 1: the off-diagonal mass is spread nearly evenly (T is normalized per true class, so not exactly), so the
        // exponent is near 0 and every weight near 1.
        Assert.All(new[] { w[4], w[6], w[7] }, x => Assert.InRange(x, 0.9, 1.1));

        // The rows' trust, which the self-paced training reads too: full for row 0, near none for row 1.
        var trust = statistics.RowTrust();
        Assert.Equal(1.0, trust[0], 6);
        Assert.InRange(trust[1], 0, 0.5);
        Assert.Equal(Math.Log(w[6]) / Math.Log(t[6] / ((t[4] + t[6] + t[7]) / 3)), trust[1], 6);
    }
}
