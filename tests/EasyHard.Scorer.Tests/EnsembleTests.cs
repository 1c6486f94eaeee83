using EasyHard.Scorer.Proxy;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Tests;

public sealed class EnsembleTests
{
    [Fact]
    public void Forward_Fused_EqualsStandaloneLinearLayersWithEachHeadsWeights()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(6, 3, [5, 4], 3, "adam", 1e-3, 9, CPU);
        var x = randn(7, 6, generator: new Generator(4));

        using var noGrad = no_grad();
        var (probabilities, hidden) = ensemble.Forward(x);

        Assert.Equal(new long[] { 3, 7, 3 }, probabilities.shape);
        Assert.Equal(new long[] { 3, 7, 4 }, hidden.shape);
        for (int e = 0; e < 3; e++)
        {
            // The same head as nn.Linear layers: weight [out, in] is the transpose of the fused [in, out] slice.
            var layers = new List<nn.Module<Tensor, Tensor>>();
            for (int l = 0; l < ensemble.Weights.Count; l++)
            {
                var w = ensemble.Weights[l][e];
                var linear = nn.Linear(w.shape[0], w.shape[1]);
                linear.weight!.copy_(w.t());
                linear.bias!.copy_(ensemble.Biases[l][e].squeeze(0));
                layers.Add(linear);
            }

            var h = nn.functional.relu(layers[1].call(nn.functional.relu(layers[0].call(x))));
            var p = nn.functional.softmax(layers[2].call(h), 1);
            Assert.True(p.allclose(probabilities[e], rtol: 1e-5, atol: 1e-6), $"head {e} probabilities differ");
            Assert.True(h.allclose(hidden[e], rtol: 1e-5, atol: 1e-6), $"head {e} hidden layer differs");
            Assert.True(nn.functional.softmax(ensemble.HeadLogits(e, x), 1).allclose(probabilities[e], rtol: 1e-5, atol: 1e-6));
        }
    }

    [Fact]
    public void Constructor_InitializesLikeLinear_IndependentHeadsWithinOneOverSqrtFanIn()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(400, 10, [64], 2, "adam", 1e-3, 1, CPU);

        for (int l = 0; l < ensemble.Weights.Count; l++)
        {
            var w = ensemble.Weights[l];
            double bound = 1 / Math.Sqrt(w.shape[1]);
            Assert.True(w.abs().max().item<float>() <= bound);
            Assert.True(ensemble.Biases[l].abs().max().item<float>() <= bound);

            // U(±b) has standard deviation b/√3; the heads start from different draws.
            Assert.Equal(bound / Math.Sqrt(3), w.std().item<float>(), bound * 0.05);
            Assert.False(w[0].equal(w[1]).all().item<bool>());
        }
    }

    [Fact]
    public void Constructor_SameSeed_SameHeads()
    {
        using var scope = NewDisposeScope();
        using var first = new ProxyEnsemble(8, 3, [16], 3, "adam", 1e-3, 5, CPU);
        using var second = new ProxyEnsemble(8, 3, [16], 3, "adam", 1e-3, 5, CPU);

        for (int l = 0; l < first.Weights.Count; l++)
        {
            Assert.True(first.Weights[l].equal(second.Weights[l]).all().item<bool>());
            Assert.True(first.Biases[l].equal(second.Biases[l]).all().item<bool>());
        }
    }

    [Fact]
    public void TrainStep_HeadWithZeroBootstrapWeights_IsUnchanged_OthersLearn()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(8, 3, [16], 3, "adam", 1e-2, 2, CPU);
        var before = ensemble.Weights.Concat(ensemble.Biases).Select(p => p.detach().clone()).ToList();
        var x = randn(32, 8, generator: new Generator(6));
        var y = x[.., 0].gt(0).to_type(ScalarType.Int64);
        var weights = ones(3, 32);
        weights[1] = zeros(32);

        for (int step = 0; step < 5; step++)
        {
            ensemble.TrainStep(x, y, weights);
        }

        var after = ensemble.Weights.Concat(ensemble.Biases).ToList();
        for (int k = 0; k < after.Count; k++)
        {
            Assert.True(after[k][1].equal(before[k][1]).all().item<bool>(), $"parameter {k} of the zero-weight head moved");
            Assert.False(after[k][0].equal(before[k][0]).all().item<bool>(), $"parameter {k} of head 0 did not move");
            Assert.False(after[k][2].equal(before[k][2]).all().item<bool>(), $"parameter {k} of head 2 did not move");
        }
    }

    [Fact]
    public void TrainStep_LossIsMeanOverHeadsOfBootstrapWeightedCrossEntropy()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(8, 3, [16], 2, "sgd", 1e-2, 2, CPU);
        var x = randn(10, 8, generator: new Generator(8));
        var y = tensor(new long[] { 0, 1, 2, 0, 1, 2, 0, 1, 2, 0 });
        var weights = tensor(new float[] { 1, 0, 2, 1, 1, 3, 0, 1, 1, 1, 2, 2, 2, 0, 1, 1, 1, 1, 1, 1 }, [2, 10]);
        double expected = 0;
        using (no_grad())
        {
            for (int e = 0; e < 2; e++)
            {
                var perSample = nn.functional.cross_entropy(ensemble.HeadLogits(e, x), y, reduction: nn.Reduction.None);
                expected += (perSample * weights[e]).sum().item<float>() / 10 / 2;
            }
        }

        Assert.Equal(expected, ensemble.TrainStep(x, y, weights), 5);
    }

    [Fact]
    public void SaveLoad_RoundTrip_SameParametersAndSameNextStep()
    {
        using var scope = NewDisposeScope();
        using var original = new ProxyEnsemble(8, 3, [16], 2, "adam", 1e-2, 2, CPU);
        var x = randn(16, 8, generator: new Generator(3));
        var y = x[.., 0].gt(0).to_type(ScalarType.Int64);
        var weights = ones(2, 16);
        original.TrainStep(x, y, weights);
        using var restored = new ProxyEnsemble(8, 3, [16], 2, "adam", 1e-2, 99, CPU);
        SaveInto(original, restored);

        Assert.Equal(original.TrainStep(x, y, weights), restored.TrainStep(x, y, weights), 6);
        for (int l = 0; l < original.Weights.Count; l++)
        {
            Assert.True(original.Weights[l].allclose(restored.Weights[l]));
            Assert.True(original.Biases[l].allclose(restored.Biases[l]));
        }
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void TrainOn_TheScoringPass_StepsExactlyAsTrainStep(string optimizer)
    {
        using var scope = NewDisposeScope();
        using var separate = new ProxyEnsemble(8, 3, [16], 3, optimizer, 1e-2, 5, CPU);
        using var shared = new ProxyEnsemble(8, 3, [16], 3, optimizer, 1e-2, 5, CPU);
        var generator = new Generator(6);
        for (int step = 0; step < 3; step++)
        {
            var x = randn(20, 8, generator: generator);
            var y = x[.., 1].gt(0).to_type(ScalarType.Int64);
            var weights = rand(3, 20, generator: generator) * 2;

            var pass = shared.Pass(x);
            // The kept pass is the scoring pass: its softmax is what Forward returns.
            Assert.True(nn.functional.softmax(pass.Logits, 2).allclose(shared.Forward(x).Probabilities, rtol: 1e-6, atol: 1e-7));
            Assert.True(pass.Hidden.allclose(shared.Forward(x).Hidden));

            Assert.Equal(separate.TrainStep(x, y, weights), shared.TrainOn(pass, y.data<long>().ToArray(), weights.contiguous().data<float>().ToArray()), 6);
        }

        for (int l = 0; l < separate.Weights.Count; l++)
        {
            Assert.True(separate.Weights[l].allclose(shared.Weights[l], rtol: 1e-6, atol: 1e-7), $"layer {l} weights");
            Assert.True(separate.Biases[l].allclose(shared.Biases[l], rtol: 1e-6, atol: 1e-7), $"layer {l} biases");
        }
    }

    [Fact]
    public void TrainOn_RowsOfTheScoringPass_StepsAsAPassOfTheirOwn()
    {
        using var scope = NewDisposeScope();
        using var separate = new ProxyEnsemble(8, 3, [16], 3, "adam", 1e-2, 5, CPU);
        using var shared = new ProxyEnsemble(8, 3, [16], 3, "adam", 1e-2, 5, CPU);
        var generator = new Generator(7);
        var x = randn(24, 8, generator: generator);
        var y = x[.., 2].gt(0).to_type(ScalarType.Int64);
        var weights = rand(3, 10, generator: generator) * 2;

        Assert.Equal(separate.TrainStep(x[..10], y[..10], weights),
            shared.TrainOn(shared.Pass(x).Rows(0, 10), y[..10].data<long>().ToArray(), weights.contiguous().data<float>().ToArray()), 6);

        for (int l = 0; l < separate.Weights.Count; l++)
        {
            Assert.True(separate.Weights[l].allclose(shared.Weights[l], rtol: 1e-6, atol: 1e-7), $"layer {l} weights");
            Assert.True(separate.Biases[l].allclose(shared.Biases[l], rtol: 1e-6, atol: 1e-7), $"layer {l} biases");
        }
    }

    [Theory]
    [InlineData(new[] { 16 })]
    [InlineData(new[] { 12, 7 })]
    public void Gradients_EqualAutogradOnTheStandaloneHeads(int[] hidden)
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(8, 3, hidden, 3, "adam", 1e-2, 4, CPU);
        var generator = new Generator(9);
        var x = randn(11, 8, generator: generator);
        var y = tensor(new long[] { 0, 1, 2, 2, 1, 0, 0, 1, 2, 1, 1 });
        var weights = rand(3, 11, generator: generator) * 3;

        var gradients = ensemble.Gradients(ensemble.Pass(x), y.data<long>().ToArray(), weights.contiguous().data<float>().ToArray(), out var loss);

        // The reference: each head as a standalone MLP, its weighted cross-entropy summed over heads, through autograd.
        var parameters = ensemble.Weights.Zip(ensemble.Biases, (w, b) => new[] { w, b }).SelectMany(p => p).ToArray();
        foreach (var parameter in parameters)
        {
            parameter.grad = null;
        }

        var total = zeros(1);
        for (int e = 0; e < 3; e++)
        {
            var perSample = nn.functional.cross_entropy(ensemble.HeadLogits(e, x), y, reduction: nn.Reduction.None);
            total = total + ((perSample * weights[e]).sum() / 11);
        }

        total.backward();
        Assert.Equal(total.item<float>(), loss, 4);
        for (int j = 0; j < parameters.Length; j++)
        {
            var expected = parameters[j].grad!;
            Assert.Equal(expected.shape, gradients[j].shape);
            Assert.True(gradients[j].allclose(expected, rtol: 1e-4, atol: 1e-6), $"parameter {j}: max |Δ| = {(gradients[j] - expected).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void TrainStep_NonFiniteLogits_TakeNoStep()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(4, 3, [8], 2, "adam", 1e-2, 1, CPU);
        var before = ensemble.Weights.Concat(ensemble.Biases).Select(p => p.detach().clone()).ToList();
        var x = full(5, 4, float.PositiveInfinity);

        Assert.False(float.IsFinite(ensemble.TrainStep(x, tensor(new long[] { 0, 1, 2, 0, 1 }), ones(2, 5))));

        var after = ensemble.Weights.Concat(ensemble.Biases).ToList();
        for (int k = 0; k < after.Count; k++)
        {
            Assert.True(after[k].equal(before[k]).all().item<bool>(), $"parameter {k} moved");
        }
    }

    [Fact]
    public void TrainOn_RangesOfHeadsOnTheirOwnThreads_StepExactlyAsAllHeadsTogether()
    {
        using var scope = NewDisposeScope();
        using var together = new ProxyEnsemble(8, 3, [16], 3, "adam", 1e-2, 5, CPU);
        using var apart = new ProxyEnsemble(8, 3, [16], 3, "adam", 1e-2, 5, CPU);
        Assert.True(apart.TrainsHeadsApart);
        var ranges = HeadRange.Split(3, 2);
        Assert.Equal([new HeadRange(0, 2), new HeadRange(2, 1)], ranges);
        var generator = new Generator(8);
        for (int step = 0; step < 4; step++)
        {
            var x = randn(20, 8, generator: generator);
            var labels = x[.., 1].gt(0).to_type(ScalarType.Int64).data<long>().ToArray();
            var weights = (rand(3, 20, generator: generator) * 2).contiguous().data<float>().ToArray();
            float all = together.TrainOn(together.Pass(x), labels, weights);

            // Each range's pass, loss and step on a thread of its own, as the scoring engine runs them.
            var losses = new float[ranges.Length];
            Parallel.For(0, ranges.Length, r =>
            {
                using var threadScope = NewDisposeScope();
                var heads = ranges[r];
                losses[r] = apart.TrainOn(apart.Pass(x, heads), labels, weights.AsSpan(heads.Start * 20, heads.Count * 20), heads);
            });

            Assert.Equal(all, ((losses[0] * 2) + losses[1]) / 3, 5);
        }

        for (int l = 0; l < together.Weights.Count; l++)
        {
            Assert.True(together.Weights[l].equal(apart.Weights[l]).all().item<bool>(), $"layer {l} weights");
            Assert.True(together.Biases[l].equal(apart.Biases[l]).all().item<bool>(), $"layer {l} biases");
        }
    }

    [Fact]
    public void TrainOn_ARangeWithNonFiniteLogits_SkipsItsStepAlone_AndASaveKeepsTheLargestStepCount()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(4, 3, [8], 2, "adam", 1e-2, 1, CPU);
        using (no_grad())
        {
            // Head 1 alone overflows: its first layer is far beyond what a float sum holds.
            ensemble.Weights[0][1].fill_(3e38f);
        }

        var before = ensemble.Weights[0].detach().clone();
        var x = ones(5, 4);
        long[] labels = [0, 1, 2, 0, 1];
        float[] weights = [1, 1, 1, 1, 1];
        var (first, second) = (new HeadRange(0, 1), new HeadRange(1, 1));

        Assert.True(float.IsFinite(ensemble.TrainOn(ensemble.Pass(x, first), labels, weights, first)));
        Assert.False(float.IsFinite(ensemble.TrainOn(ensemble.Pass(x, second), labels, weights, second)));

        Assert.False(ensemble.Weights[0][0].equal(before[0]).all().item<bool>());
        Assert.True(ensemble.Weights[0][1].equal(before[1]).all().item<bool>());
        using var restored = new ProxyEnsemble(4, 3, [8], 2, "adam", 1e-2, 1, CPU);
        SaveInto(ensemble, restored);

        Assert.Equal(1, restored.AdamStep(new HeadRange(0, 2)));
    }

    [Fact]
    public void TrainOn_ARangeOfHeads_WhereLibtorchStepsEveryHead_Throws()
    {
        using var scope = NewDisposeScope();
        using var ensemble = new ProxyEnsemble(4, 3, [8], 2, "sgd", 1e-2, 1, CPU);
        var heads = new HeadRange(0, 1);

        Assert.False(ensemble.TrainsHeadsApart);
        Assert.Throws<InvalidOperationException>(() => ensemble.TrainOn(ensemble.Pass(ones(3, 4), heads), [0, 1, 2], [1, 1, 1], heads));
    }

    [Theory]
    [InlineData(3, 1, new[] { 3 })]
    [InlineData(3, 2, new[] { 2, 1 })]
    [InlineData(3, 5, new[] { 1, 1, 1 })]
    [InlineData(8, 3, new[] { 3, 3, 2 })]
    public void HeadRange_Split_CoversEveryHeadOnceInContiguousRanges(int heads, int parts, int[] counts)
    {
        var ranges = HeadRange.Split(heads, parts);

        Assert.Equal(counts, ranges.Select(r => r.Count));
        Assert.Equal(Enumerable.Range(0, heads), ranges.SelectMany(r => Enumerable.Range(r.Start, r.Count)));
    }

    /// <summary>Saves <paramref name="source"/> and loads the bytes into <paramref name="target"/>.</summary>
    private static void SaveInto(ProxyEnsemble source, ProxyEnsemble target)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            source.Save(writer);
        }

        stream.Position = 0;
        using var reader = new BinaryReader(stream);
        target.Load(reader);
    }
}
