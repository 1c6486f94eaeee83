using EasyHard.Scorer.Scoring;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Scorer.Tests;

public sealed class EngineTests
{
    [Fact]
    public void Score_BatchIsScoredByTheModelBeforeItTrainsOnThatBatch()
    {
        var (samples, _) = TestData.Clusters(128, 16, 4, 0.0, seed: 1);
        var options = TestData.Options(TestData.TempCheckpoint());
        options.Neighbours.Weight = 0; // the proxy's own prediction (the vote's blend: NeighbourVotesTests)
        using var engine = new ScoringEngine(options, 16, 4);
        engine.Score(samples.Take(64).ToList());
        var batch = samples.Skip(64).ToList();

        var before = engine.PredictMeanProbabilities(batch);
        long versionBefore = engine.ModelVersion;
        var scored = engine.Score(batch);
        var after = engine.PredictMeanProbabilities(batch);

        for (int i = 0; i < batch.Count; i++)
        {
            // Same model, host softmax against libtorch's: equal to float rounding.
            Assert.Equal(before[(i * 4) + batch[i].Sample.Label], scored[i].Scores.SelfConfidence, 1e-6);
        }

        // One step on the batch's 64 samples, then the replayed ones in minibatches of 64.
        int replayed = (int)Math.Round(BatchTraining.RehearsalRatioAt(options.Proxy.RehearsalRatio, 64, options.Proxy) * 64);
        Assert.Equal(versionBefore + 1 + ((replayed + 63) / 64), engine.ModelVersion);
        Assert.Equal(engine.ModelVersion, scored[0].ModelVersion);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public void Score_HeadsOnThreadsOfTheirOwn_ScoreAndTrainExactlyAsOnOneThread()
    {
        var (samples, _) = TestData.Clusters(320, 16, 4, 0.2, seed: 3);
        // A sample whose activations overflow: left out of training by every range of heads alike.
        samples[70].Sample.Features[0] = 3e38f;
        var together = TestData.Options(TestData.TempCheckpoint());
        together.Threads.Heads = 1;
        var apart = TestData.Options(TestData.TempCheckpoint());
        apart.Threads.Heads = 2;
        using var one = new ScoringEngine(together, 16, 4);
        using var two = new ScoringEngine(apart, 16, 4);

        for (int start = 0; start < samples.Count; start += 64)
        {
            var batch = samples.Skip(start).Take(64).ToList();
            var expected = one.Score(batch);
            var actual = two.Score(batch);
            for (int i = 0; i < batch.Count; i++)
            {
                Assert.Equal(expected[i].Scores, actual[i].Scores);
                Assert.Equal(expected[i].Weight, actual[i].Weight);
                Assert.Equal(expected[i].Quarantined, actual[i].Quarantined);
            }
        }

        Assert.True(one.Ensemble.Weights.Zip(two.Ensemble.Weights).All(w => w.First.equal(w.Second).all().item<bool>()));
        Assert.Equal(one.ModelVersion, two.ModelVersion);
    }

    [Fact]
    public void Constructor_HeadThreadsWhereLibtorchStepsEveryHead_FailsNamingTheKey()
    {
        var options = TestData.Options(TestData.TempCheckpoint());
        (options.Threads.Heads, options.Proxy.Optimizer) = (2, ProxyOptimizer.Sgd);

        var thrown = Assert.Throws<InvalidOperationException>(() => new ScoringEngine(options, 16, 4));
        Assert.Contains("Scorer:Threads:Heads", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoint_RoundTrip_SameScoresAndModelVersionContinues()
    {
        var path = TestData.TempCheckpoint();
        var (samples, _) = TestData.Clusters(192, 16, 4, 0.2, seed: 2);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        using var original = new ScoringEngine(TestData.Options(path), 16, 4, time);
        original.Score(samples.Take(64).ToList());
        original.SaveCheckpoint();

        using var restored = new ScoringEngine(TestData.Options(path), 16, 4, time);
        Assert.Equal(original.ModelVersion, restored.ModelVersion);
        for (int round = 0; round < 2; round++)
        {
            var batch = samples.Skip(64 * (round + 1)).Take(64).ToList();
            var a = original.Score(batch);
            var b = restored.Score(batch);
            AssertSameUpToInfluenceRounding(a, b);
        }

        // The first batch finds the rehearsal buffer empty (one step); each later one takes a step on its own 64 samples
        // and one per 64 replayed ones (at the early ratio: the stream is young). The restored engine continues the
        // original's count of samples scored, so both rehearse alike.
        var proxy = TestData.Options(path).Proxy;
        int replaySteps = (int)Math.Ceiling(Math.Round(BatchTraining.RehearsalRatioAt(proxy.RehearsalRatio, 64, proxy) * 64) / 64);
        Assert.Equal(1 + (2 * (1 + replaySteps)), restored.ModelVersion);
        Assert.Equal(1_700_000_000_000, restored.Score(samples.Take(1).ToList())[0].ScoredAtUnixMs);
    }

    [Fact]
    public void Checkpoint_DifferentDimension_FailsFastNamingTheMismatch()
    {
        var path = TestData.TempCheckpoint();
        using (var engine = new ScoringEngine(TestData.Options(path), 16, 4))
        {
            engine.SaveCheckpoint();
        }

        var error = Assert.Throws<InvalidOperationException>(() => new ScoringEngine(TestData.Options(path), 17, 4));
        Assert.Contains("dimension=16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoint_IntervalElapsed_SavesPeriodically()
    {
        var path = TestData.TempCheckpoint();
        var time = new FakeTimeProvider();
        var options = TestData.Options(path);
        options.CheckpointIntervalSeconds = 30;
        var (samples, _) = TestData.Clusters(32, 16, 4, 0.0, seed: 3);
        using var engine = new ScoringEngine(options, 16, 4, time);

        engine.Score(samples);
        Assert.False(File.Exists(path));
        time.Advance(TimeSpan.FromSeconds(31));
        engine.Score(samples);

        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Score_WarmUpAndQuarantine_WarmingWeighsOneAndQuarantineFollowsThreshold()
    {
        var options = TestData.Options(TestData.TempCheckpoint(), warmup: 64);
        options.Weighting.QuarantineThreshold = 0.0;
        var (samples, _) = TestData.Clusters(128, 16, 4, 0.0, seed: 4);
        using var engine = new ScoringEngine(options, 16, 4);

        var scored = engine.Score(samples);

        Assert.All(scored.Take(64), s => Assert.True(s.Warming && s.Weight == 1f && !s.Quarantined));
        Assert.All(scored.Skip(64), s => Assert.True(!s.Warming && s.Quarantined));
    }

    /// <summary>
    /// Equal scores, except that influence (a GEMM over the target set, whose float summation order the CPU
    /// kernels may vary between runs) is compared to 1e−5 relative.
    /// </summary>
    internal static void AssertSameUpToInfluenceRounding(IReadOnlyList<EasyHard.Contracts.V1.ScoredSample> a, IReadOnlyList<EasyHard.Contracts.V1.ScoredSample> b)
    {
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++)
        {
            var x = a[i].Clone();
            var y = b[i].Clone();
            Assert.True(Math.Abs(x.Scores.Influence - y.Scores.Influence) <= 1e-5 * Math.Max(1, Math.Abs(x.Scores.Influence)), $"influence {x.Scores.Influence} vs {y.Scores.Influence}");
            x.Scores.Influence = 0;
            y.Scores.Influence = 0;
            Assert.Equal(x, y);
        }
    }
}
