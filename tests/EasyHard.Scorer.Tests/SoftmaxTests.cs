using EasyHard.Scorer.Proxy;

namespace EasyHard.Scorer.Tests;

public sealed class SoftmaxTests
{
    [Fact]
    public void Rows_MatchTheDefinition_AndReturnLogSumExp()
    {
        // Three rows of 11 classes: more than one vector of lanes, and a remainder.
        var random = new Random(3);
        var logits = Enumerable.Range(0, 33).Select(_ => (float)((random.NextDouble() * 20) - 10)).ToArray();
        var probabilities = new float[33];
        var logSumExp = new double[3];

        Softmax.Rows(logits, probabilities, 11, logSumExp);

        for (int row = 0; row < 3; row++)
        {
            double sum = Enumerable.Range(0, 11).Sum(c => Math.Exp(logits[(row * 11) + c]));
            Assert.Equal(Math.Log(sum), logSumExp[row], 5);
            for (int c = 0; c < 11; c++)
            {
                Assert.Equal(Math.Exp(logits[(row * 11) + c]) / sum, probabilities[(row * 11) + c], 1e-6);
            }
        }
    }

    [Fact]
    public void Rows_HugeAndMinusInfiniteLogits_StayFinite()
    {
        var probabilities = new float[3];
        var logSumExp = new double[1];

        Softmax.Rows([1e30f, -1e30f, float.NegativeInfinity], probabilities, 3, logSumExp);

        Assert.Equal(1e30, logSumExp[0], 1e24);
        Assert.Equal([1f, 0f, 0f], probabilities);
    }

    [Fact]
    public void Rows_NonFiniteLogit_IsNonFiniteInItsRowOnly()
    {
        float[] logits = [0, float.NaN, 0, 0, float.PositiveInfinity, 0, 0, 0, 0];
        var probabilities = new float[9];
        var logSumExp = new double[3];

        Softmax.Rows(logits, probabilities, 3, logSumExp);

        Assert.False(double.IsFinite(logSumExp[0]));
        Assert.False(double.IsFinite(logSumExp[1]));
        Assert.All(probabilities[..6], p => Assert.False(float.IsFinite(p)));
        Assert.Equal(Math.Log(3), logSumExp[2], 6);
        Assert.All(probabilities[6..], p => Assert.Equal(1f / 3, p, 6));
    }
}
