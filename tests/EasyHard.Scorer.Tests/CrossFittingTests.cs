using EasyHard.Contracts.V1;
using EasyHard.Scorer.Scoring;
using TorchSharp;

namespace EasyHard.Scorer.Tests;

public sealed class CrossFittingTests
{
    [Fact]
    public void FoldOf_IsFnv1aOfUtf8ModuloFolds_AndStable()
    {
        var folds = new FoldAssignment(3, 3);

        // FNV-1a 64 of "fm-000042" is 15269332007135468437, which is 1 modulo 3 (computed independently).
        Assert.Equal(1, folds.FoldOf("fm-000042"));
        Assert.Equal(folds.FoldOf("fm-000042"), new FoldAssignment(3, 6).FoldOf("fm-000042"));
        Assert.Equal(1, new FoldAssignment(4, 4).FoldOf("fm-000042"));
    }

    [Fact]
    public void FoldOf_LongAndNonAsciiIds_HashTheirUtf8Bytes()
    {
        var folds = new FoldAssignment(3, 3);
        Assert.Equal(0, folds.FoldOf("ü"));
        var longId = new string('x', 300);
        Assert.Equal(folds.FoldOf(longId), folds.FoldOf(new string('x', 300)));
    }

    [Fact]
    public void FoldOf_SpreadsIdsEvenly()
    {
        var folds = new FoldAssignment(3, 3);
        var counts = new int[3];
        for (int i = 0; i < 30_000; i++)
        {
            counts[folds.FoldOf($"s-{i}")]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void Trains_HeadNeverTrainsOnItsOwnFold()
    {
        var folds = new FoldAssignment(3, 6);
        for (int head = 0; head < 6; head++)
        {
            for (int fold = 0; fold < 3; fold++)
            {
                Assert.Equal(head % 3 != fold, folds.Trains(head, fold));
            }
        }

        var off = new FoldAssignment(1, 3);
        Assert.False(off.Enabled);
        Assert.True(off.Trains(0, 0));
        Assert.Equal(0, off.FoldOf("anything"));
    }

    [Fact]
    public void FoldAssignment_FewerHeadsThanFolds_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FoldAssignment(4, 3));

    [Fact]
    public void RehearsalBuffer_KeepsAUniformReservoir_WithFolds_AndRoundTrips()
    {
        var buffer = new RehearsalBuffer(4, 2);
        var random = new Random(1);
        for (int i = 0; i < 3; i++)
        {
            buffer.Offer([i, i], i, i % 3, random);
        }

        Assert.Equal(3, buffer.Size);
        Assert.Equal([0f, 0f, 1f, 1f, 2f, 2f], buffer.Features[..6]);
        Assert.Equal([0, 1, 2], buffer.Folds[..3]);
        for (int i = 3; i < 1000; i++)
        {
            buffer.Offer([i, i], i, i % 3, random);
        }

        Assert.Equal(4, buffer.Size);
        Assert.Equal(1000, buffer.Offered);
        for (int s = 0; s < 4; s++)
        {
            Assert.Equal(buffer.Labels[s] % 3, buffer.Folds[s]);
            Assert.Equal(buffer.Labels[s], (long)buffer.Features[2 * s]);
        }

        Assert.All(buffer.Draw(50, random), slot => Assert.InRange(slot, 0, 3));

        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            buffer.Write(writer);
        }

        stream.Position = 0;
        var restored = new RehearsalBuffer(4, 2);
        restored.Read(new BinaryReader(stream));
        Assert.Equal(buffer.Features, restored.Features);
        Assert.Equal(buffer.Labels, restored.Labels);
        Assert.Equal(buffer.Folds, restored.Folds);
        Assert.Equal(buffer.Offered, restored.Offered);
    }

    [Fact]
    public void RehearsalBuffer_Empty_DrawsNothing() =>
        Assert.Empty(new RehearsalBuffer(8, 3).Draw(10, new Random(0)));
}

public sealed class CrossFittedEngineTests
{
    [Fact]
    public void Score_RepeatedIds_AreScoredByTheHeadsOfTheirFoldAlone_FirstExposuresByEvery()
    {
        var (samples, _) = TestData.Clusters(192, 16, 4, 0.2, seed: 5);
        var options = TestData.Options(TestData.TempCheckpoint());
        options.Neighbours.Weight = 0; // the heads' own predictions (the vote leaves a sample's own id out: NeighbourVotesTests)
        using var engine = new ScoringEngine(options, 16, 4);
        var folds = new FoldAssignment(options.Proxy.Folds, options.Proxy.EnsembleSize);
        engine.Score(samples.Take(128).ToList());

        // One micro-batch: ids 0..31 come back, ids 128..159 are new. Before it is scored: the heads' probabilities.
        var batch = samples.Take(32).Concat(samples.Skip(128).Take(32)).ToList();
        float[] perHead;
        using (torch.no_grad())
        {
            var x = torch.tensor(batch.SelectMany(s => s.Sample.Features).ToArray(), [batch.Count, 16]);
            perHead = engine.Ensemble.Forward(x).Probabilities.data<float>().ToArray();
        }

        var scored = engine.Score(batch);
        int n = batch.Count;
        for (int i = 0; i < n; i++)
        {
            int label = batch[i].Sample.Label, fold = folds.FoldOf(batch[i].Sample.Id);
            double expected = i < 32
                ? perHead[((fold * n) + i) * 4 + label]
                : Enumerable.Range(0, 3).Average(e => perHead[((e * n) + i) * 4 + label]);
            Assert.Equal(expected, scored[i].Scores.SelfConfidence, tolerance: 1e-5);
        }
    }

    [Fact]
    public void Score_HeadNeverTrainsOnItsFold_NotEvenFromRehearsal()
    {
        var options = TestData.Options(TestData.TempCheckpoint());
        options.Proxy.RehearsalRatio = 2;
        var folds = new FoldAssignment(options.Proxy.Folds, options.Proxy.EnsembleSize);
        var (samples, _) = TestData.Clusters(600, 16, 4, 0.2, seed: 6);
        var foldZero = samples.Where(s => folds.FoldOf(s.Sample.Id) == 0).Take(128).ToList();
        using var engine = new ScoringEngine(options, 16, 4);
        var (head0, head1) = (Snapshot(engine, head: 0), Snapshot(engine, head: 1));

        engine.Score(foldZero);
        engine.Score(foldZero);

        Assert.Equal(head0, Snapshot(engine, head: 0));
        Assert.NotEqual(head1, Snapshot(engine, head: 1));
    }

    private static float[] Snapshot(ScoringEngine engine, int head) =>
        [.. engine.Ensemble.Weights.SelectMany(w => w[head].data<float>().ToArray())];
}

public sealed class ScoreDelayTests
{
    [Fact]
    public void Score_WithDelay_HoldsBatchesBackUntilTheHeadsTrainedOnNLaterSamples_ThenScoresByTheFoldHeads()
    {
        var (samples, _) = TestData.Clusters(320, 16, 4, 0.2, seed: 7);
        var options = TestData.Options(TestData.TempCheckpoint());
        options.Proxy.ScoreDelaySamples = 128;
        var folds = new FoldAssignment(options.Proxy.Folds, options.Proxy.EnsembleSize);
        using var engine = new ScoringEngine(options, 16, 4);

        // Batches of 64: batch 0 is due once 128 samples trained after it, i.e. once batch 2 has trained.
        Assert.Empty(engine.Score(samples.Take(64).ToList()));
        Assert.Empty(engine.Score(samples.Skip(64).Take(64).ToList()));
        var scored = engine.Score(samples.Skip(128).Take(64).ToList());
        var batch0 = samples.Take(64).ToList();
        Assert.Equal(batch0.Select(s => s.Sample.Id), scored.Select(r => r.Canonical.Sample.Id));
        Assert.Equal(128, engine.PendingSamples);

        // Scoring alone trains nothing, so the model now is the one that scored batch 0: by its fold's heads.
        float[] perHead;
        using (torch.no_grad())
        {
            var x = torch.tensor(batch0.SelectMany(s => s.Sample.Features).ToArray(), [64, 16]);
            perHead = engine.Ensemble.Forward(x).Probabilities.data<float>().ToArray();
        }

        for (int i = 0; i < 64; i++)
        {
            int fold = folds.FoldOf(batch0[i].Sample.Id);
            Assert.Equal(perHead[((fold * 64) + i) * 4 + batch0[i].Sample.Label], scored[i].Scores.SelfConfidence, tolerance: 1e-5);
        }

        // The rest comes out in arrival order at the end of the stream.
        var rest = engine.Flush();
        Assert.Equal(samples.Skip(64).Take(128).Select(s => s.Sample.Id), rest.Select(r => r.Canonical.Sample.Id));
        Assert.Equal(0, engine.PendingSamples);
        Assert.Empty(engine.Flush());
    }

    [Fact]
    public void Engine_DelayWithoutFolds_FailsNamingBothKeys()
    {
        var options = TestData.Options(TestData.TempCheckpoint());
        options.Proxy.ScoreDelaySamples = 64;
        options.Proxy.Folds = 1;
        var error = Assert.Throws<InvalidOperationException>(() => new ScoringEngine(options, 16, 4));
        Assert.Contains("Scorer:Proxy:ScoreDelaySamples", error.Message, StringComparison.Ordinal);
        Assert.Contains("Scorer:Proxy:Folds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_DelayForTheKafkaScorer_FailsNamingTheKey()
    {
        var result = new ScorerOptionsValidator().Validate(null, new ScorerOptions { Proxy = { ScoreDelaySamples = 1000 } });
        Assert.True(result.Failed);
        Assert.Contains("Scorer:Proxy:ScoreDelaySamples", result.FailureMessage, StringComparison.Ordinal);
    }
}

public sealed class RehearsalLoadTests
{
    [Fact]
    public void Score_Backlogged_RehearsesAtTheUnderLoadRatio()
    {
        var (engine, samples, start) = AfterFirstBatch(early: 0, earlyUntil: 0);
        using var _ = engine;

        // With headroom: one step on the batch, two on the 128 replayed samples; backlogged: the batch's step alone.
        engine.Score(samples.Skip(64).Take(64).ToList());
        Assert.Equal(start + 3, engine.ModelVersion);
        engine.Score(samples.Skip(128).Take(64).ToList(), null, backlogged: true);
        Assert.Equal(start + 4, engine.ModelVersion);
    }

    [Fact]
    public void Score_YoungStream_RehearsesAtTheEarlyRatioUntilItsSamples_NeverUnderLoad()
    {
        var (engine, samples, start) = AfterFirstBatch(early: 4, earlyUntil: 192);
        using var _ = engine;

        // 64 then 128 samples scored before the batch (< 192): one step on the batch, four on its 256 replayed samples;
        // under load the early ratio does not apply (the regime has no rehearsal); from 192 samples on, the usual two.
        engine.Score(samples.Skip(64).Take(64).ToList());
        Assert.Equal(start + 5, engine.ModelVersion);
        engine.Score(samples.Skip(128).Take(64).ToList(), null, backlogged: true);
        Assert.Equal(start + 6, engine.ModelVersion);
        engine.Score(samples.Skip(192).Take(64).ToList());
        Assert.Equal(start + 9, engine.ModelVersion);
    }

    /// <summary>An engine rehearsing 2 per new sample with headroom and none under load, after its first batch of 64.</summary>
    private static (ScoringEngine Engine, List<CanonicalSample> Samples, long Start) AfterFirstBatch(double early, long earlyUntil)
    {
        var (samples, _) = TestData.Clusters(320, 16, 4, 0.2, seed: 8);
        var options = TestData.Options(TestData.TempCheckpoint());
        (options.Proxy.RehearsalRatio, options.Proxy.RehearsalRatioUnderLoad) = (2, 0);
        (options.Proxy.EarlyRehearsalRatio, options.Proxy.EarlyRehearsalSamples) = (early, earlyUntil);
        var engine = new ScoringEngine(options, 16, 4);
        engine.Score(samples.Take(64).ToList());
        return (engine, samples, engine.ModelVersion);
    }

    [Theory]
    [InlineData(2.0, 0L, 3.0, 30_000L, 3.0)]
    [InlineData(2.0, 29_999L, 3.0, 30_000L, 3.0)]
    [InlineData(2.0, 30_000L, 3.0, 30_000L, 2.0)]
    [InlineData(0.0, 0L, 3.0, 30_000L, 0.0)]
    [InlineData(4.0, 0L, 3.0, 30_000L, 4.0)]
    [InlineData(2.0, 0L, 3.0, 0L, 2.0)]
    public void RehearsalRatioAt_RaisedWhileYoung_NeverLowered_NeverWhereTheRegimeHasNone(double regime, long seen, double early, long until, double expected)
    {
        var proxy = new ProxyOptions { EarlyRehearsalRatio = early, EarlyRehearsalSamples = until };
        Assert.Equal(expected, BatchTraining.RehearsalRatioAt(regime, seen, proxy));
    }
}
