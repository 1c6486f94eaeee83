using EasyHard.Scorer.Proxy;

namespace EasyHard.Scorer.Tests;

public sealed class WeightedCrossEntropyTests
{
    [Fact]
    public void LossAndGradient_MatchHandComputedSoftmax()
    {
        // Two heads, two samples, three classes.
        float[] logits = [1, 2, 3, 0, 0, 0, -1, 0, 1, 5, 5, 5];
        long[] labels = [2, 0];
        float[] weights = [1, 2, 0.5f, 0];
        var gradient = new float[logits.Length];

        double loss = WeightedCrossEntropy.LossAndGradient(logits, labels, weights, 3, gradient);

        // softmax(1, 2, 3) = (0.0900306, 0.2447285, 0.6652410); softmax of equal logits is uniform.
        double[] p = [0.09003057, 0.24472847, 0.66524096];
        double expected = ((1 * -Math.Log(p[2])) + (2 * -Math.Log(1.0 / 3)) + (0.5 * -Math.Log(p[2])) + 0) / 2;
        Assert.Equal(expected, loss, 6);
        double[] expectedGradient =
        [
            1 * p[0] / 2, 1 * p[1] / 2, 1 * (p[2] - 1) / 2,
            2 * ((1.0 / 3) - 1) / 2, 2 * (1.0 / 3) / 2, 2 * (1.0 / 3) / 2,
            0.5 * p[0] / 2, 0.5 * p[1] / 2, 0.5 * (p[2] - 1) / 2,
            0, 0, 0,
        ];
        for (int k = 0; k < gradient.Length; k++)
        {
            Assert.Equal(expectedGradient[k], gradient[k], 6);
        }
    }

    [Fact]
    public void LossAndGradient_HugeLogits_StayFinite()
    {
        float[] logits = [1e30f, -1e30f];
        var gradient = new float[2];

        double loss = WeightedCrossEntropy.LossAndGradient(logits, [1], [1], 2, gradient);

        Assert.Equal(2e30, loss, 1e24);
        Assert.Equal([1f, -1f], gradient);
    }

    [Fact]
    public void LossAndGradient_NonFiniteLogit_GivesNonFiniteLoss()
    {
        var gradient = new float[3];
        Assert.False(double.IsFinite(WeightedCrossEntropy.LossAndGradient([0, float.PositiveInfinity, 0], [0], [1], 3, gradient)));
        Assert.False(double.IsFinite(WeightedCrossEntropy.LossAndGradient([0, float.NaN, 0], [0], [1], 3, gradient)));
    }

    [Fact]
    public void LossAndGradient_ShapesThatDisagree_Throw()
    {
        var gradient = new float[6];
        Assert.Throws<ArgumentException>(() => WeightedCrossEntropy.LossAndGradient(new float[6], [0, 1], [1, 1, 1], 3, gradient));
    }
}
