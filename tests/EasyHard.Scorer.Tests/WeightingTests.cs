using EasyHard.Scorer.Weighting;

namespace EasyHard.Scorer.Tests;

public sealed class WeightingTests
{
    [Fact]
    public void LinUpper_ThreeLosses_MatchesHandComputedSoftmax()
    {
        // h = [−1, 0, 1] for δ = 1; f = min(h + 1, 1) = [0, 1, 1]; w = 3·softmax(f / 1).
        var weights = new double[3];
        LinUpperPolicy.Compute([0f, 1f, 2f], 1.0, 1.0, weights);
        double z = 1 + (2 * Math.E);
        Assert.Equal(3 / z, weights[0], 9);
        Assert.Equal(3 * Math.E / z, weights[1], 9);
        Assert.Equal(3 * Math.E / z, weights[2], 9);
    }

    [Fact]
    public void LinUpper_EqualLosses_Uniform()
    {
        var weights = new double[4];
        LinUpperPolicy.Compute([2f, 2f, 2f, 2f], 1.0, 0.5, weights);
        Assert.All(weights, w => Assert.Equal(1.0, w, 12));
    }

    [Fact]
    public void NoiseFactor_IsOneMinusNoiseToGamma()
    {
        Assert.Equal(0.25, NoiseFactor.Compute(0.5, 2), 12);
        Assert.Equal(0.0, NoiseFactor.Compute(1.0, 1), 12);
    }

    [Fact]
    public void Renormalize_WindowFilledByBatch_WeightsHaveMeanOne()
    {
        var random = new Random(3);
        var noise = Enumerable.Range(0, 256).Select(_ => (float)random.NextDouble()).ToArray();
        var losses = Enumerable.Range(0, 256).Select(_ => (float)(random.NextDouble() * 5)).ToArray();
        var weights = new double[256];
        SampleWeights.Combine(noise, losses, 1.0, true, 1.0, 0.5, 0.05, 5.0, weights);
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
