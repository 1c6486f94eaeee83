using EasyHard.Scorer.Weighting;

namespace EasyHard.Scorer.Tests;

public sealed class WeightingTests
{
    [Fact]
    public void LinUpper_ThreeLosses_MatchesHandComputedSoftmax()
    {
        // h = [−1, 0, 1] for δ = 1; f = min(h + 1, 1) = [0, 1, 1]; w = 3·softmax(f / 1).
        var weights = new double[3];
        LossPolicy.Compute([0f, 1f, 2f], LossShape.LinUpper, 1.0, 1.0, weights);
        double z = 1 + (2 * Math.E);
        Assert.Equal(3 / z, weights[0], 9);
        Assert.Equal(3 * Math.E / z, weights[1], 9);
        Assert.Equal(3 * Math.E / z, weights[2], 9);
    }

    [Fact]
    public void Quadratic_ThreeLosses_FavoursTheMiddle()
    {
        // δ = 2: h = [−2, 0, 2]; f = 1 − h²/4 = [0, 1, 0]; r = 0.5: logits [0, 2, 0].
        var weights = new double[3];
        LossPolicy.Compute([1f, 2f, 3f], LossShape.Quadratic, 2.0, 0.5, weights);
        double z = 2 + Math.Exp(2);
        Assert.Equal(3 / z, weights[0], 9);
        Assert.Equal(3 * Math.Exp(2) / z, weights[1], 9);
        Assert.Equal(3 / z, weights[2], 9);
    }

    [Fact]
    public void Extremes_ThreeLosses_FavoursBothEnds()
    {
        // δ = 1: h = [−1, 0, 1]; f = |h| = [1, 0, 1].
        var weights = new double[3];
        LossPolicy.Compute([0f, 5f, 10f], LossShape.Extremes, 1.0, 1.0, weights);
        double z = 1 + (2 * Math.E);
        Assert.Equal(3 * Math.E / z, weights[0], 9);
        Assert.Equal(3 / z, weights[1], 9);
    }

    [Fact]
    public void Uniform_OrEqualLosses_AllOne()
    {
        var weights = new double[4];
        LossPolicy.Compute([0f, 1f, 2f, 3f], LossShape.Uniform, 1.0, 0.5, weights);
        Assert.All(weights, w => Assert.Equal(1.0, w, 12));
        LossPolicy.Compute([2f, 2f, 2f, 2f], LossShape.LinUpper, 1.0, 0.5, weights);
        Assert.All(weights, w => Assert.Equal(1.0, w, 12));
    }

    [Fact]
    public void NoiseFactor_IsOneMinusNoiseToGamma()
    {
        Assert.Equal(0.25, NoiseFactor.Compute(0.5, 2), 12);
        Assert.Equal(0.0, NoiseFactor.Compute(1.0, 1), 12);
    }

    [Fact]
    public void Curriculum_HardSampleEarly_DownWeighted_UniformAfterPace()
    {
        // D = 1 − 0.8 = 0.2; s(250/1000) = 0.25: 0.2 + 0.25·0.8 = 0.4.
        Assert.Equal(0.4, CurriculumFactor.Compute(0.8, 250, 1000), 12);
        Assert.Equal(1.0, CurriculumFactor.Compute(0.8, 5000, 1000), 12);
        Assert.Equal(0.2, CurriculumFactor.Compute(0.8, 0, 1000), 12);
    }

    [Fact]
    public void Balance_RareClassUpWeighted_AlphaCoolsToZero()
    {
        double alpha = BalanceFactor.Alpha(0.5, 250, 1000);
        Assert.Equal(0.375, alpha, 12);
        Assert.Equal(Math.Pow(0.25, -0.375), BalanceFactor.Compute(0.25, alpha), 12);
        Assert.Equal(1.0, BalanceFactor.Compute(0.25, BalanceFactor.Alpha(0.5, 2000, 1000)), 12);
    }

    [Fact]
    public void Influence_ZScoreFactor_MatchesHandComputed_AndIsClipped()
    {
        // influence [−1, 1]: mean 0, population std 1: z = [−1, 1]; β = 0.5: factors e^∓0.5; β = 5 clips at ×3.
        var weights = new double[] { 1, 1 };
        InfluenceFactor.Apply([-1f, 1f], 0.5, 3.0, weights);
        Assert.Equal(Math.Exp(-0.5), weights[0], 9);
        Assert.Equal(Math.Exp(0.5), weights[1], 9);
        weights = [1, 1];
        InfluenceFactor.Apply([-1f, 1f], 5, 3.0, weights);
        Assert.Equal(1 / 3.0, weights[0], 9);
        Assert.Equal(3.0, weights[1], 9);
    }

    [Fact]
    public void PolicySet_EnabledPolicies_MultiplyAndClip()
    {
        var options = new ScorerOptions { Weighting = { NoiseGamma = 1, WeightMin = 0.1, WeightMax = 5 } };
        options.Weighting.Policies = "noise, curriculum,balance";
        options.Weighting.CurriculumPaceSamples = 100;
        options.Weighting.BalanceAlpha = 1;
        options.Weighting.BalanceCoolingSamples = 100;
        var set = new WeightPolicySet(options);
        var inputs = new PolicyInputs([0.5f, 0.99f], [1f, 2f], [0.5f, 0f], [0f, 0f], [0.5, 1.0], 50, true);
        var weights = new double[2];

        set.Combine(inputs, weights);

        // Sample 0: (1 − 0.5) · (0.5 + 0.5·0.5) · 0.5^(−0.5) ; sample 1: 0.01 · 1 · 1 → clipped to 0.1.
        Assert.Equal(0.5 * 0.75 * Math.Pow(0.5, -0.5), weights[0], 9);
        Assert.Equal(0.1, weights[1], 9);
    }

    [Fact]
    public void PolicySet_LossGatedByPosterior_NeverLiftsALikelyMislabelledSample()
    {
        // Three samples: an easy clean one (loss 0.1), a hard clean one (loss 2, noise 0.1) and a likely-mislabelled
        // one (loss 4, noise 0.9). Ungated, linupper lifts the mislabelled sample most; gated, the loss policy sees
        // loss × (1 − noise) = [0.1, 1.8, 0.4] and lifts the hard clean sample instead.
        var options = new ScorerOptions { Weighting = { NoiseGamma = 1, WeightMin = 0.01, WeightMax = 10, LossGateExponent = 1 } };
        options.Weighting.Policies = "noise,loss";
        var inputs = new PolicyInputs([0f, 0.1f, 0.9f], [0.1f, 2f, 4f], [0f, 0f, 0f], [0f, 0f, 0f], [1, 1, 1], 0, true);

        var gated = new double[3];
        new WeightPolicySet(options).Combine(inputs, gated);
        var expectedLoss = new double[3];
        LossPolicy.Compute([0.1f, 1.8f, 0.4f], LossShape.LinUpper, 1, 1, expectedLoss);
        Assert.Equal(expectedLoss[0], gated[0], 5);
        Assert.Equal(0.9 * expectedLoss[1], gated[1], 5);
        Assert.Equal(0.1 * expectedLoss[2], gated[2], 5);
        Assert.True(expectedLoss[2] < expectedLoss[1]);

        options.Weighting.LossGate = LossGate.None;
        var raw = new double[3];
        new WeightPolicySet(options).Combine(inputs, raw);
        var rawLoss = new double[3];
        LossPolicy.Compute([0.1f, 2f, 4f], LossShape.LinUpper, 1, 1, rawLoss);
        Assert.Equal(0.1 * rawLoss[2], raw[2], 6);
        Assert.True(rawLoss[2] > rawLoss[1]);
    }

    [Fact]
    public void PolicySet_GateExponent_WeighsTheLossByThePosteriorToItsPower()
    {
        // A sample as likely wrong as right (noise 0.5, loss 3) beside a clean one (loss 1): at k = 1 the loss policy
        // sees [1, 1.5] and lifts the doubtful sample; at k = 2 it sees [1, 0.75] and lifts the clean one.
        var options = new ScorerOptions { Weighting = { NoiseGamma = 1, WeightMin = 0.01, WeightMax = 10, LossGateExponent = 2 } };
        options.Weighting.Policies = "noise,loss";
        var inputs = new PolicyInputs([0f, 0.5f], [1f, 3f], [0f, 0f], [0f, 0f], [1, 1], 0, true);

        var weights = new double[2];
        new WeightPolicySet(options).Combine(inputs, weights);

        var expected = new double[2];
        LossPolicy.Compute([1f, 0.75f], LossShape.LinUpper, 1, 1, expected);
        Assert.Equal(expected[0], weights[0], 5);
        Assert.Equal(0.5 * expected[1], weights[1], 5);
        Assert.True(weights[0] > weights[1] * 2);

        options.Weighting.LossGateExponent = 1;
        var once = new double[2];
        new WeightPolicySet(options).Combine(inputs, once);
        LossPolicy.Compute([1f, 1.5f], LossShape.LinUpper, 1, 1, expected);
        Assert.Equal(0.5 * expected[1], once[1], 5);
        Assert.True(once[1] > weights[1]);
    }

    [Fact]
    public void PolicySet_LossPolicyInBurnIn_IsUniform()
    {
        var options = new ScorerOptions();
        options.Weighting.Policies = "loss";
        var weights = new double[3];
        new WeightPolicySet(options).Combine(new PolicyInputs([0f, 0f, 0f], [0f, 1f, 9f], [0f, 0f, 0f], [0f, 0f, 0f], [1, 1, 1], 0, false), weights);
        Assert.All(weights, w => Assert.Equal(1.0, w, 12));
    }

    [Fact]
    public void Renormalize_WindowFilledByBatch_WeightsHaveMeanOne()
    {
        var random = new Random(3);
        var weights = Enumerable.Range(0, 256).Select(_ => 0.05 + (random.NextDouble() * 4)).ToArray();
        Assert.NotEqual(1.0, weights.Average(), 3);

        new WeightRenormalizer(256).Renormalize(weights);

        Assert.Equal(1.0, weights.Average(), 9);
    }

    [Fact]
    public void Renormalize_ManyBatches_RunningWindowMeanStaysNearOne()
    {
        var renormalizer = new WeightRenormalizer(1024);
        var random = new Random(4);
        var all = new List<double>();
        for (int b = 0; b < 40; b++)
        {
            var weights = Enumerable.Range(0, 64).Select(_ => 0.2 + (random.NextDouble() * 3)).ToArray();
            renormalizer.Renormalize(weights);
            all.AddRange(weights);
        }

        Assert.Equal(1.0, all.TakeLast(1024).Average(), 1);
    }
}
