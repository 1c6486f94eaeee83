using EasyHard.Scorer.Proxy;
using EasyHard.Scorer.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Tests;

public sealed class SelfPacedTrainingTests
{
    [Theory]
    [InlineData(0.1, 0.2, 0.5)]
    [InlineData(0.2, 0.2, 1.0)]
    [InlineData(0.9, 0.2, 1.0)]
    [InlineData(0.0, 0.2, 0.0)]
    [InlineData(0.05, 0.0, 1.0)]
    [InlineData(double.NaN, 0.2, 1.0)]
    public void Weight_IsTheProbabilityOverTheThreshold_AtMostOne_AndOneWhenOff(double probability, double threshold, double expected) =>
        Assert.Equal(expected, SelfPacedWeights.Weight(probability, threshold), 6);

    [Fact]
    public void FromScoringPass_AveragesTheHeadsProbabilityOfTheGivenLabel()
    {
        // Head-major [E=2, B=2, C=2]. Head 0: sample 0 (0, 0) → (0.5, 0.5), sample 1 (ln 3, 0) → (0.75, 0.25);
        // head 1: sample 0 (ln 3, 0) → (0.75, 0.25), sample 1 (0, 0) → (0.5, 0.5).
        float ln3 = MathF.Log(3);
        float[] logits = [0, 0, ln3, 0, ln3, 0, 0, 0];
        long[] labels = [0, 1];

        // Sample 0: p̄ = (0.5 + 0.75) / 2 = 0.625 → 1; sample 1: p̄ = (0.25 + 0.5) / 2 = 0.375 → 0.375 / 0.5 = 0.75.
        var weights = SelfPacedWeights.FromScoringPass(logits, labels, heads: 2, classes: 2, thresholds: [0.5, 0.5]);

        Assert.Equal(1f, weights[0], 5);
        Assert.Equal(0.75f, weights[1], 5);
    }

    [Fact]
    public void OutOfFold_UsesOnlyTheHeadsThatNeverTrainOnTheSamplesFold_OrEveryHeadWithoutFolds()
    {
        using var ensemble = new ProxyEnsemble(5, 4, [6], 3, "adam", 1e-3, 11, CPU);
        var random = new Random(3);
        var features = Enumerable.Range(0, 6 * 5).Select(_ => (float)random.NextDouble()).ToArray();
        long[] labels = [0, 1, 2, 3, 1, 2];
        int[] sampleFolds = [0, 1, 2, 0, 1, 2];
        var x = tensor(features, [6, 5]);
        var perHead = Enumerable.Range(0, 3).Select(e => nn.functional.softmax(ensemble.HeadLogits(e, x), 1).data<float>().ToArray()).ToArray();

        // Threshold 1: the weight is the probability itself.
        double[] thresholds = [1, 1, 1, 1];
        var crossFitted = SelfPacedWeights.OutOfFold(ensemble, x, labels, sampleFolds, new FoldAssignment(3, 3), thresholds);
        var unfolded = SelfPacedWeights.OutOfFold(ensemble, x, labels, sampleFolds, new FoldAssignment(1, 3), thresholds);

        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(perHead[sampleFolds[i]][(i * 4) + labels[i]], crossFitted[i], 5);
            Assert.Equal(Enumerable.Range(0, 3).Average(e => perHead[e][(i * 4) + labels[i]]), unfolded[i], 5);
        }
    }

    [Fact]
    public void Thresholds_FallWithTheTrustInTheLabelsTransitionRow_PerGivenLabel()
    {
        var thresholds = SelfPacedWeights.Thresholds(0.2, [0, 0.5, 1]);
        Assert.Equal([0.2, 0.1, 0.0], thresholds.Select(t => Math.Round(t, 12)));

        // Both samples: logits (0, ln 8, 0), p = (0.1, 0.8, 0.1). Label 0 (a flat row, τ = 0.2) weighs 0.1 / 0.2 = 0.5;
        // label 2's row is a trusted flip (τ = 0): its samples train in full however unlikely the proxy finds the label.
        float ln8 = MathF.Log(8);
        var weights = SelfPacedWeights.FromScoringPass([0, ln8, 0, 0, ln8, 0], [0, 2], heads: 1, classes: 3, thresholds);
        Assert.Equal(0.5f, weights[0], 5);
        Assert.Equal(1f, weights[1], 5);
    }

    [Fact]
    public void Scale_MultipliesEveryHeadsRowBySampleWeights()
    {
        float[] headWeights = [1, 2, 0, 3, 1, 1];
        SelfPacedWeights.Scale(headWeights, [0.5f, 1f, 0.25f]);
        Assert.Equal([0.5f, 2f, 0f, 1.5f, 1f, 0.25f], headWeights);
    }

    [Fact]
    public void Engine_TrainsEverySampleInFullDuringWarmUp_AndSelfPacedAfter()
    {
        var (samples, _) = TestData.Clusters(256, 16, 4, 0.3, seed: 12);
        var paced = TestData.Options(TestData.TempCheckpoint(), warmup: 128);
        paced.Proxy.SelfPacedThreshold = 1;
        var full = TestData.Options(TestData.TempCheckpoint(), warmup: 128);
        full.Proxy.SelfPacedThreshold = 0;
        using var pacedEngine = new ScoringEngine(paced, 16, 4);
        using var fullEngine = new ScoringEngine(full, 16, 4);

        pacedEngine.Score(samples.Take(128).ToList());
        fullEngine.Score(samples.Take(128).ToList());
        Assert.Equal(Snapshot(fullEngine), Snapshot(pacedEngine));

        pacedEngine.Score(samples.Skip(128).Take(64).ToList());
        fullEngine.Score(samples.Skip(128).Take(64).ToList());
        Assert.True(!Snapshot(fullEngine).SequenceEqual(Snapshot(pacedEngine)), $"row trust {string.Join(' ', pacedEngine.Statistics.RowTrust())}");
    }

    private static float[] Snapshot(ScoringEngine engine) => [.. engine.Ensemble.Weights.SelectMany(w => w.data<float>().ToArray())];
}
