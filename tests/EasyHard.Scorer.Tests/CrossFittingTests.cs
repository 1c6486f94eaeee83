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
        using var engine = new ScoringEngine(options, 16, 4);
        var folds = new FoldAssignment(options.Folds, options.EnsembleSize);
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
            Assert.Equal(expected, scored[i].Scores.SelfConfidence, 5);
        }
    }

    [Fact]
    public void Score_HeadNeverTrainsOnItsFold_NotEvenFromRehearsal()
    {
        var options = TestData.Options(TestData.TempCheckpoint());
        options.RehearsalRatio = 2;
        var folds = new FoldAssignment(options.Folds, options.EnsembleSize);
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
