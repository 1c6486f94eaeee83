using EasyHard.Scorer.Proxy;
using EasyHard.Scorer.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Tests;

public sealed class SignalTests
{
    [Fact]
    public void Compute_FixedProbabilities_MatchesHandComputedValues()
    {
        // Two heads whose mean is p̄ = [0.7, 0.2, 0.1] for both samples; [E, B, C] row-major.
        float[] probabilities = [0.6f, 0.3f, 0.1f, 0.6f, 0.3f, 0.1f, 0.8f, 0.1f, 0.1f, 0.8f, 0.1f, 0.1f];

        var s = Compute(probabilities, new float[4], [1, 0], heads: 2, classes: 3);

        Assert.Equal(-Math.Log(0.2), s.Loss[0], 4);
        Assert.Equal(-Math.Log(0.7), s.Loss[1], 4);
        Assert.Equal(0.2, s.SelfConfidence[0], 5);
        Assert.Equal(-0.5, s.Margin[0], 5);
        Assert.Equal(0.5, s.Margin[1], 5);
        Assert.Equal(Math.Sqrt(1.14), s.El2n[0], 5);
        Assert.Equal(Math.Sqrt(0.14), s.El2n[1], 5);
        Assert.Equal(0.1, s.Disagreement[0], 5);
        Assert.Equal(0.8, s.Difficulty[0], 5);
        Assert.Equal(0L, s.Predicted[0]);
        Assert.Equal(Math.Log(0.2) - Math.Log(0.7), s.LogMargin[0], 5);
        Assert.Equal(Math.Log(0.7) - Math.Log(0.2), s.LogMargin[1], 5);

        // With flat cell weights the raw log-odds are log((1 − p̄_y) / p̄_y).
        Assert.Equal(Math.Log(0.8 / 0.2), s.RawLogOdds[0], 4);
    }

    [Fact]
    public void Compute_Alternative_IsTheTransitionWeightedOtherClass_WithItsShare()
    {
        // p̄ = [0.5, 0.3, 0.2], given label 0. Cell weights of row 0: w_01 = 1, w_02 = 4 (a flip 0 → 2 seen often).
        // Weighted other classes: 0.3 · 1 = 0.3 and 0.2 · 4 = 0.8, so k* = 2 with share 0.8 / 1.1, although the proxy
        // ranks class 1 above class 2.
        double[] cells = [0, 1, 4, 1, 0, 1, 1, 1, 0];
        var s = BatchSignals.Compute([0.5f, 0.3f, 0.2f], new float[1], [0], 1, 3, cells, [1f / 3, 1f / 3, 1f / 3]);
        Assert.Equal(2, s.Alternative[0]);
        Assert.Equal(0.8 / 1.1, s.AlternativeShare[0], 5);
        Assert.Equal(Math.Log(1.1 / 0.5), s.RawLogOdds[0], 4);

        // Flat cell weights: the proxy's runner-up.
        var flat = Compute([0.5f, 0.3f, 0.2f], new float[1], [0], heads: 1, classes: 3);
        Assert.Equal(1, flat.Alternative[0]);
        Assert.Equal(0.3 / 0.5, flat.AlternativeShare[0], 5);
    }

    [Theory]
    [InlineData(0.1f, 2, 1.0f, 0, 0.9f)] // label judged right: keep it, P = 1 − noise
    [InlineData(0.8f, 2, 0.9f, 2, 0.72f)] // wrong, and one class takes most of it: suggest it, P = noise · share
    [InlineData(0.8f, 2, 0.2f, 0, 0.2f)] // wrong, but spread over many classes: no other class beats the given one
    [InlineData(0.6f, 1, 0.5f, 0, 0.4f)] // 0.6 · 0.5 = 0.3 < 0.4: the given label stays the most probable
    public void SuggestedLabel_IsTheMostProbableOfGivenAndAlternative(float noise, int alternative, float share, int expected, float probability)
    {
        var (label, p) = SuggestedLabel.Suggest(0, noise, alternative, share);
        Assert.Equal(expected, label);
        Assert.Equal(probability, p, 5);
    }

    [Fact]
    public void Compute_Ties_PicksTheFirstClass_AsArgmaxDoes()
    {
        var s = Compute([0.4f, 0.4f, 0.2f], new float[1], [2], heads: 1, classes: 3);
        Assert.Equal(0L, s.Predicted[0]);
        Assert.Equal(0L, s.Assigned[0]);
    }

    [Fact]
    public void ClosedFormGradNorm_EqualsAutogradLastLayerGradientNorm()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(6, 4, [5], 2, "adam", 1e-3, 3, CPU);
        var x = randn(3, 6, generator: new Generator(11));
        var y = tensor(new long[] { 0, 3, 1 });
        BatchSignals closed;
        using (no_grad())
        {
            var (p, h) = ensemble.Forward(x);
            closed = Compute(p.data<float>().ToArray(), h.pow(2).sum([2]).data<float>().ToArray(), [0, 3, 1], heads: 2, classes: 4);
        }

        for (int i = 0; i < 3; i++)
        {
            double autograd = 0;
            for (int e = 0; e < 2; e++)
            {
                TestData.ZeroGrad(ensemble);
                nn.functional.cross_entropy(ensemble.HeadLogits(e, x[i..(i + 1)]), y[i..(i + 1)]).backward();
                autograd += Math.Sqrt(ensemble.Weights[^1].grad![e].pow(2).sum().item<float>() + ensemble.Biases[^1].grad![e].pow(2).sum().item<float>()) / 2;
            }

            Assert.Equal(autograd, closed.GradNorm[i], 4);
        }
    }

    /// <summary>Signals with flat cell weights and thresholds of 1/C.</summary>
    internal static BatchSignals Compute(float[] probabilities, float[] hiddenSquares, long[] labels, int heads, int classes) =>
        BatchSignals.Compute(probabilities, hiddenSquares, labels, heads, classes, Enumerable.Repeat(1.0, classes * classes).ToArray(),
            Enumerable.Repeat(1f / classes, classes).ToArray());

    [Fact]
    public void TrainStep_ToyProblem_LossDecreases()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(8, 3, [16], 2, "adam", 1e-2, 1, CPU);
        var x = randn(128, 8, generator: new Generator(5));
        var y = x[.., 0].gt(0).to_type(ScalarType.Int64) + x[.., 1].gt(1).to_type(ScalarType.Int64);
        var weights = ones(2, 128);

        float first = ensemble.TrainStep(x, y, weights);
        float last = first;
        for (int step = 0; step < 100; step++)
        {
            last = ensemble.TrainStep(x, y, weights);
        }

        Assert.True(last < first * 0.5f, $"loss {first} -> {last}");
    }
}
