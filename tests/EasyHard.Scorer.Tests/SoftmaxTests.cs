using EasyHard.Scorer.Proxy;

namespace EasyHard.Scorer.Tests;

public sealed class SoftmaxTests
{
    [Fact]
    public void Row_MatchesTheDefinition_AndReturnsLogSumExp()
    {
        float[] logits = [1, 2, 3];
        var probabilities = new float[3];

        double logSum = Softmax.Row(logits, probabilities);

        double sum = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Assert.Equal(Math.Log(sum), logSum, 6);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(Math.Exp(logits[c]) / sum, probabilities[c], 6);
        }
    }

    [Fact]
    public void Row_HugeAndMinusInfiniteLogits_StayFinite()
    {
        var probabilities = new float[3];

        Assert.Equal(1e30, Softmax.Row([1e30f, -1e30f, float.NegativeInfinity], probabilities), 1e24);

        Assert.Equal([1f, 0f, 0f], probabilities);
    }

    [Fact]
    public void Rows_NonFiniteLogit_GivesNonFiniteProbabilitiesInItsRowOnly()
    {
        float[] logits = [0, float.NaN, 0, 0, float.PositiveInfinity, 0];
        var probabilities = new float[9];
        float[] withFiniteRow = [.. logits, 0, 0, 0];

        Softmax.Rows(withFiniteRow, probabilities, 3);

        Assert.All(probabilities[..6], p => Assert.False(float.IsFinite(p)));
        Assert.All(probabilities[6..], p => Assert.Equal(1f / 3, p, 6));
    }
}
