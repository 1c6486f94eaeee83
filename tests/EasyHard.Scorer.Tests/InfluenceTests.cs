using EasyHard.Scorer.Proxy;
using EasyHard.Scorer.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Tests;

public sealed class InfluenceTests
{
    [Fact]
    public void Influence_EqualsAutogradDotProductWithMeanTargetGradient()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(6, 4, [5], 2, "adam", 1e-3, 3, CPU);
        var x = randn(3, 6, generator: new Generator(21));
        var y = tensor(new long[] { 0, 3, 1 });
        var tx = randn(5, 6, generator: new Generator(22));
        var ty = tensor(new long[] { 2, 2, 0, 1, 3 });
        float[] closed;
        using (no_grad())
        {
            var (p, h) = ensemble.Forward(x);
            var (tp, th) = ensemble.Forward(tx);
            var gradient = Signals.MeanLastLayerGradient(Host(tp), Host(th), ty.data<long>().ToArray(), 2, 4);
            using var target = InfluenceTarget.From(gradient, 2, 4, CPU);
            closed = Signals.Influence(Host(p), Host(h.bmm(target.Weights)), target.Bias, y.data<long>().ToArray(), [true, true, true], 2, 4);
        }

        var expected = new double[3];
        var lastWeight = ensemble.Weights[^1];
        var lastBias = ensemble.Biases[^1];
        for (int e = 0; e < ensemble.EnsembleSize; e++)
        {
            // Ḡ by autograd: gradient of the mean target loss w.r.t. head e's last layer.
            TestData.ZeroGrad(ensemble);
            nn.functional.cross_entropy(ensemble.HeadLogits(e, tx), ty).backward();
            var gw = lastWeight.grad![e].clone();
            var gb = lastBias.grad![e].clone();
            for (int i = 0; i < 3; i++)
            {
                TestData.ZeroGrad(ensemble);
                nn.functional.cross_entropy(ensemble.HeadLogits(e, x[i..(i + 1)]), y[i..(i + 1)]).backward();
                expected[i] += ((lastWeight.grad![e] * gw).sum().item<float>() + (lastBias.grad![e] * gb).sum().item<float>()) / ensemble.EnsembleSize;
            }
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(expected[i], closed[i], 4);
        }
    }

    [Fact]
    public void Influence_SampleLikeTheTargets_IsPositive_OppositeLabelNegative()
    {
        // One head, hidden = [1, 0]; p = [0.5, 0.5]. Targets labelled 0 give Ḡ = (p − e0) ⊗ [h; 1].
        float[] p = [0.5f, 0.5f, 0.5f, 0.5f];
        float[] h = [1, 0, 1, 0];
        var gradient = Signals.MeanLastLayerGradient(p.AsSpan(0, 2), h.AsSpan(0, 2), [0], 1, 2);
        Assert.Equal([-0.5f, 0, -0.5f, 0.5f, 0, 0.5f], gradient);

        // Projections Ḡ_{c, :H} · h: both samples have h = [1, 0].
        float[] projections = [-0.5f, 0.5f, -0.5f, 0.5f];
        float[] bias = [-0.5f, 0.5f];
        var influence = Signals.Influence(p, projections, bias, [0, 1], [true, true], 1, 2);

        // ⟨(p − e0)⊗a, (p − e0)⊗a⟩ = 0.5·2 = 1; with label 1: ⟨(p − e1)⊗a, (p − e0)⊗a⟩ = −0.5·2 = −1.
        Assert.Equal(1.0, influence[0], 5);
        Assert.Equal(-1.0, influence[1], 5);

        // A row whose outputs were not finite has no influence.
        Assert.Equal(0f, Signals.Influence(p, projections, bias, [0, 1], [false, true], 1, 2)[0]);
    }

    private static float[] Host(Tensor t) => t.contiguous().data<float>().ToArray();
}
