using EasyHard.Scorer.Scoring;

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
