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
        using var scope = NewDisposeScope();
        // Two heads whose mean is p̄ = [0.7, 0.2, 0.1] for both samples.
        var probabilities = tensor(new float[] { 0.6f, 0.3f, 0.1f, 0.6f, 0.3f, 0.1f, 0.8f, 0.1f, 0.1f, 0.8f, 0.1f, 0.1f }, [2, 2, 3]);
        var hidden = zeros(2, 2, 4);
        var labels = tensor(new long[] { 1, 0 });

        var s = Signals.Compute(probabilities, hidden, labels);

        Assert.Equal(-Math.Log(0.2), s.Loss[0].item<float>(), 4);
        Assert.Equal(-Math.Log(0.7), s.Loss[1].item<float>(), 4);
        Assert.Equal(0.2, s.SelfConfidence[0].item<float>(), 5);
        Assert.Equal(-0.5, s.Margin[0].item<float>(), 5);
        Assert.Equal(0.5, s.Margin[1].item<float>(), 5);
        Assert.Equal(Math.Sqrt(1.14), s.El2n[0].item<float>(), 5);
        Assert.Equal(Math.Sqrt(0.14), s.El2n[1].item<float>(), 5);
        Assert.Equal(0.1, s.Disagreement[0].item<float>(), 5);
        Assert.Equal(0.8, s.Difficulty[0].item<float>(), 5);
        Assert.Equal(0L, s.PredictedLabel[0].item<long>());
    }

    [Fact]
    public void ClosedFormGradNorm_EqualsAutogradLastLayerGradientNorm()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(6, 4, [5], 2, "adam", 1e-3, 3, CPU);
        var x = randn(3, 6, generator: new Generator(11));
        var y = tensor(new long[] { 0, 3, 1 });
        Tensor closed;
        using (no_grad())
        {
            var (p, h) = ensemble.Forward(x);
            closed = Signals.ClosedFormGradNorms(p, h, nn.functional.one_hot(y, 4).to_type(ScalarType.Float32));
        }

        for (int e = 0; e < 2; e++)
        {
            for (int i = 0; i < 3; i++)
            {
                TestData.ZeroGrad(ensemble);
                nn.functional.cross_entropy(ensemble.HeadLogits(e, x[i..(i + 1)]), y[i..(i + 1)]).backward();
                double autograd = Math.Sqrt(ensemble.Weights[^1].grad![e].pow(2).sum().item<float>() + ensemble.Biases[^1].grad![e].pow(2).sum().item<float>());
                Assert.Equal(autograd, closed[e, i].item<float>(), 4);
            }
        }
    }

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
