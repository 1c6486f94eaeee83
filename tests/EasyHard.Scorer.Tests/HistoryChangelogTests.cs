using EasyHard.Scorer.Scoring;
using EasyHard.Scorer.State;

namespace EasyHard.Scorer.Tests;

/// <summary>The per-id history by input partition and its changelog encoding (scale-out: history moves with its partition).</summary>
public sealed class HistoryChangelogTests
{
    private static readonly SampleRecord Record = new(3, 0.75f, -1.5f, 0.25f, 2.125f, 1, true);

    [Fact]
    public void Codec_RoundTripsEveryField_AndRejectsOtherBytes()
    {
        var bytes = SampleRecordCodec.Encode(Record);

        Assert.Equal(SampleRecordCodec.Length, bytes.Length);
        Assert.Equal(Record, SampleRecordCodec.Decode(bytes));
        Assert.Null(SampleRecordCodec.Decode(bytes.AsSpan(0, 25)));
        var otherFormat = bytes.ToArray();
        otherFormat[0] = 2;
        Assert.Null(SampleRecordCodec.Decode(otherFormat));
        Assert.Null(SampleRecordCodec.Decode(SampleRecordCodec.Encode(Record with { Exposures = 0 })));
    }

    [Fact]
    public void History_ClaimedIds_LeaveWithTheirPartition_AndComeBackWithIt()
    {
        var history = new SampleHistory(10);
        history.Observe("a", 1f, 0f, 0.5f, 0.1f, true);
        history.Observe("b", 2f, 0f, 0.5f, 0.1f, false);
        history.Observe("c", 3f, 0f, 0.5f, 0.1f, true);
        Assert.True(history.Claim("a", 0, out var a));
        Assert.True(history.Claim("b", 1, out _));
        Assert.False(history.Claim("missing", 1, out _));

        Assert.Equal(1, history.DropPartitions(p => p == 1));
        Assert.False(history.TryGet("b", out _));
        Assert.True(history.TryGet("c", out _));

        history.Put("b", Record, 1);
        Assert.True(history.TryGet("b", out var restored));
        Assert.Equal(Record, restored);
        Assert.Equal(a, history.TryGet("a", out var kept) ? kept : default);
        // "c" was never claimed: it belongs to no partition, as the ids of a checkpoint do.
        Assert.Equal(1, history.DropPartitions(p => p == SampleHistory.NoPartition));
        Assert.Equal(2, history.Count);
    }

    [Fact]
    public void History_Put_BeyondCapacity_EvictsTheLeastRecentlySeen()
    {
        var history = new SampleHistory(2);
        history.Put("a", Record, 0);
        history.Put("b", Record, 0);
        history.Put("a", Record with { Exposures = 4 }, 0);
        history.Put("c", Record, 1);

        Assert.False(history.TryGet("b", out _));
        Assert.Equal(4, history.TryGet("a", out var a) ? a.Exposures : 0);
        Assert.Equal(1, history.Evictions);
    }

    [Fact]
    public void Engine_RestoreHistory_ReplacesTheAssignedPartitions_AndForgetsTheCheckpointsIds()
    {
        using var engine = new ScoringEngine(TestData.Options(TestData.TempCheckpoint()), dimension: 6, classes: 3);
        var (samples, _) = TestData.Clusters(64, 6, 3, 0.1, seed: 3);
        engine.Score(samples);
        var ids = samples.Select(s => s.Sample.Id).ToList();
        var claimed = engine.ClaimHistory(ids[..32], [.. Enumerable.Repeat(5, 32)]);
        Assert.All(claimed, r => Assert.NotNull(r));

        // Partition 5 comes back from its changelog with one id; the 32 ids of no partition go (the changelog is newer).
        engine.RestoreHistory(new HashSet<int> { 5 }, [("restored", Record, 5)]);

        Assert.Equal(1, engine.HistoryCount);
        Assert.True(engine.TryGetHistory("restored", out var restored));
        Assert.Equal(Record, restored);
        Assert.Equal(1, engine.DropHistory(new HashSet<int> { 5 }));
        Assert.Equal(0, engine.HistoryCount);
    }

    [Fact]
    public void Engine_RestoreHistory_FromAnEmptyChangelog_KeepsTheCheckpointsIds()
    {
        using var engine = new ScoringEngine(TestData.Options(TestData.TempCheckpoint()), dimension: 6, classes: 3);
        var (samples, _) = TestData.Clusters(64, 6, 3, 0.1, seed: 3);
        engine.Score(samples);

        // A new cluster (the embedded one after a restart) has no changelog yet: the history from before stays.
        engine.RestoreHistory(new HashSet<int> { 0, 1 }, []);

        Assert.Equal(64, engine.HistoryCount);
    }
}
