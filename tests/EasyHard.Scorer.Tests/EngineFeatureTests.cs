using EasyHard.Contracts.V1;
using EasyHard.Scorer.Feedback;
using EasyHard.Scorer.Proxy;
using EasyHard.Scorer.Scoring;
using EasyHard.Scorer.Weighting;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Tests;

public sealed class EngineFeatureTests
{
    [Fact]
    public void NonFiniteSample_IsFlaggedQuarantinedAtWeightZero_AndDoesNotCorruptTheProxy()
    {
        var (samples, _) = TestData.Clusters(128, 16, 4, 0.0, seed: 31);
        var overflow = samples[5].Clone();
        overflow.Sample.Id = "overflow";
        overflow.Sample.Features.Clear();
        overflow.Sample.Features.Add(Enumerable.Repeat(3e38f, 16));
        var batch = samples.Take(64).Append(overflow).ToList();
        using var engine = new ScoringEngine(TestData.Options(TestData.TempCheckpoint()), 16, 4);
        double before = ScorerMetrics.NonFiniteSamples.Value;
        var details = new List<ScoreDetails>();

        var scored = engine.Score(batch, details);

        var flagged = scored[^1];
        Assert.True(details[^1].NonFinite);
        Assert.True(flagged.Quarantined);
        Assert.Equal(0f, flagged.Weight);
        Assert.Equal(Bucket.Hard, flagged.Bucket);
        Assert.True(float.IsFinite(flagged.Scores.Loss) && float.IsFinite(flagged.Scores.Noise));
        Assert.All(scored.Take(64), s => Assert.True(float.IsFinite(s.Weight) && !s.Quarantined));
        Assert.Equal(1, ScorerMetrics.NonFiniteSamples.Value - before, 0);
        foreach (var parameter in engine.Ensemble.Weights.Concat(engine.Ensemble.Biases))
        {
            Assert.True(parameter.isfinite().all().item<bool>());
        }

        // The proxy still scores the next batch with finite values.
        Assert.All(engine.Score(samples.Skip(64).ToList()), s => Assert.True(float.IsFinite(s.Scores.Loss) && float.IsFinite(s.Weight)));
    }

    [Fact]
    public void SecondExposure_BlendsHistory_AndRanksNoiseAtLeastAsWellAsTheFirst()
    {
        var (samples, flipped) = TestData.Clusters(3000, 32, 10, 0.4, seed: 33, separation: 0.3);
        var options = TestData.Options(TestData.TempCheckpoint(), warmup: 500);
        using var engine = new ScoringEngine(options, 32, 10);

        var first = engine.Score(samples);
        var second = engine.Score(samples);

        Assert.True(engine.TryGetHistory("s-7", out var record));
        Assert.Equal(2, record.Exposures);
        var truth = flipped.Skip(500).ToArray();
        double auroc1 = TestData.Auroc(first.Skip(500).Select(s => s.Scores.Noise).ToArray(), truth);
        double auroc2 = TestData.Auroc(second.Skip(500).Select(s => s.Scores.Noise).ToArray(), truth);
        Assert.True(auroc2 >= auroc1, $"first exposure {auroc1:F4}, second {auroc2:F4}");
        Assert.True(auroc2 > 0.9, $"second exposure {auroc2:F4}");
    }

    [Fact]
    public void PairFlipNoise_ConfidentJointFindsTheCell_AndNoiseRanksAtLeastAsWellAsLoss()
    {
        const int warmup = 1000;
        var (samples, flipped) = TestData.Clusters(6000, 32, 5, 0.3, seed: 35, pairFlip: true);
        using var engine = new ScoringEngine(TestData.Options(TestData.TempCheckpoint(), warmup: warmup), 32, 5);

        var scored = engine.Score(samples);

        var truth = flipped.Skip(warmup).ToArray();
        double noiseAuroc = TestData.Auroc(scored.Skip(warmup).Select(s => s.Scores.Noise).ToArray(), truth);
        double lossAuroc = TestData.Auroc(scored.Skip(warmup).Select(s => s.Scores.Loss).ToArray(), truth);
        Assert.True(noiseAuroc >= lossAuroc - 0.005, $"noise {noiseAuroc:F4} vs loss {lossAuroc:F4}");

        // Label y hides true class y − 1: the joint's largest off-diagonal cell of each row is (y, y − 1).
        var joint = engine.Statistics.Joint;
        for (int y = 0; y < 5; y++)
        {
            int expected = (y + 4) % 5;
            var row = Enumerable.Range(0, 5).Where(k => k != y).OrderByDescending(k => joint.Counts[(y * 5) + k]).First();
            Assert.Equal(expected, row);
        }
    }

    [Fact]
    public void Feedback_ReplacesProxyLossInTheLossPolicy()
    {
        var (samples, _) = TestData.Clusters(256, 16, 4, 0.0, seed: 37);
        static ScorerOptions LossOnly()
        {
            var options = TestData.Options(TestData.TempCheckpoint());
            options.Weighting.Policies = "loss";
            options.Weighting.WeightMax = 100;
            return options;
        }

        var store = new FeedbackStore(10);
        using var withFeedback = new ScoringEngine(LossOnly(), 16, 4, feedback: store);
        using var without = new ScoringEngine(LossOnly(), 16, 4);
        withFeedback.Score(samples.Take(192).ToList());
        without.Score(samples.Take(192).ToList());
        var batch = samples.Skip(192).ToList();
        Assert.True(store.Set(batch[3].Sample.Id, 50f));
        double used = ScorerMetrics.FeedbackLossesUsed.Value;

        var a = withFeedback.Score(batch);
        var b = without.Score(batch);

        Assert.Equal(1, ScorerMetrics.FeedbackLossesUsed.Value - used, 0);
        Assert.Equal(b[3].Scores.Loss, a[3].Scores.Loss);          // the proxy's own loss is still reported
        Assert.True(a[3].Weight > b[3].Weight, $"{a[3].Weight} vs {b[3].Weight}");
    }

    [Fact]
    public void Targets_WhenPresent_ReplaceTheReservoirAsInfluenceTarget()
    {
        var (samples, _) = TestData.Clusters(256, 16, 4, 0.0, seed: 39);
        var targets = new TargetBuffer(16, 16);
        using var engine = new ScoringEngine(TestData.Options(TestData.TempCheckpoint()), 16, 4, targets: targets);
        engine.Score(samples.Take(128).ToList());
        var probe = samples.Skip(128).Take(64).ToList();
        foreach (var t in probe.Where(s => s.Sample.Label == 0).Take(8))
        {
            Assert.True(targets.Add(t.Sample.Features.ToArray(), t.Sample.Label));
        }

        var scored = engine.Score(probe);

        // Target set = class 0 only: class-0 samples push its loss down (positive), others mostly up (negative).
        double class0 = scored.Where(s => s.Canonical.Sample.Label == 0).Average(s => s.Scores.Influence);
        double others = scored.Where(s => s.Canonical.Sample.Label != 0).Average(s => s.Scores.Influence);
        Assert.True(class0 > 0 && class0 > others, $"class 0 {class0}, others {others}");
    }

    [Fact]
    public void ReferenceModel_TrainSaveLoad_ReducibleLossIsLossMinusReferenceLoss()
    {
        var (samples, _) = TestData.Clusters(512, 16, 4, 0.0, seed: 41);
        var path = Path.Combine(Path.GetDirectoryName(TestData.TempCheckpoint())!, "ref.model");
        var options = TestData.Options(TestData.TempCheckpoint());
        using (var trained = ReferenceModel.Train(samples.Take(384).Select(s => s.Sample).ToList(), 16, 4, options, epochs: 3))
        {
            trained.Save(path);
        }

        options.ReferenceModelPath = path;
        options.Weighting.LossSource = LossSource.Reducible;
        using var engine = new ScoringEngine(options, 16, 4);
        using var reference = ReferenceModel.Load(path, CPU);
        var batch = samples.Skip(384).Take(64).ToList();
        var details = new List<ScoreDetails>();

        var scored = engine.Score(batch, details);

        using var scope = NewDisposeScope();
        var x = tensor(batch.SelectMany(s => s.Sample.Features).ToArray(), [batch.Count, 16]);
        var y = tensor(batch.Select(s => (long)s.Sample.Label).ToArray());
        var referenceLoss = reference.Loss(x, y).data<float>().ToArray();
        for (int i = 0; i < batch.Count; i++)
        {
            Assert.Equal(scored[i].Scores.Loss - referenceLoss[i], details[i].ReducibleLoss!.Value, 4);
        }

        // The reference has learnt the clusters: its mean loss is well below a fresh proxy's log 4 ≈ 1.39.
        Assert.True(referenceLoss.Average() < 1.0, $"reference loss {referenceLoss.Average()}");
    }

    [Fact]
    public void Checkpoint_RoundTrip_RestoresHistoryJointAndShifts()
    {
        var path = TestData.TempCheckpoint();
        var (samples, _) = TestData.Clusters(256, 16, 4, 0.3, seed: 43);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        // The influence target is a cache of the model's gradient over the target set, rebuilt after a restart; refreshed
        // every batch, both engines score the next batch against the same one.
        var options = TestData.Options(path);
        options.Statistics.InfluenceRefreshBatches = 1;
        using var original = new ScoringEngine(options, 16, 4, time);
        original.Score(samples.Take(192).ToList());
        original.SaveCheckpoint();

        using var restored = new ScoringEngine(options, 16, 4, time);

        Assert.True(restored.TryGetHistory("s-10", out var record));
        original.TryGetHistory("s-10", out var expected);
        Assert.Equal(expected, record);
        Assert.Equal(original.HistoryCount, restored.HistoryCount);
        Assert.Equal(original.Statistics.Joint.Counts, restored.Statistics.Joint.Counts);
        Assert.Equal(original.Statistics.Shift, restored.Statistics.Shift);
        Assert.Equal(original.Statistics.Lower, restored.Statistics.Lower);
        var batch = samples.Skip(192).ToList();
        EngineTests.AssertSameUpToInfluenceRounding(original.Score(batch), restored.Score(batch));
    }

    [Fact]
    public void DeviceMemory_CountsParametersGradientsAndAdamMoments()
    {
        using var ensemble = new ProxyEnsemble(6, 4, [5], 2, "adam", 1e-3, 3, CPU);
        // Per head: 6·5 + 5 + 5·4 + 4 = 59 floats; two heads; no gradients yet; Adam holds two moments.
        Assert.Equal(2 * 59 * 4 * 3, ensemble.TensorBytes());
    }
}
