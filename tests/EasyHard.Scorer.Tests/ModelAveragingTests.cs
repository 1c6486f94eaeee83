using EasyHard.Contracts.V1;
using EasyHard.Scorer.Scoring;
using EasyHard.Scorer.Sync;
using Google.Protobuf;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Scorer.Tests;

/// <summary>The arithmetic of scale-out: federated averaging of parameters and statistics, the wire format, and which peers merge.</summary>
public sealed class ModelAveragingTests
{
    [Fact]
    public void Average_IsTheWeightedMean_AndIgnoresZeroWeights()
    {
        var merged = ParameterAveraging.Average([([1f, 10f], 3), ([5f, 2f], 1), ([100f, 100f], 0)]);

        // (3·1 + 1·5) / 4 = 2; (3·10 + 1·2) / 4 = 8.
        Assert.Equal([2f, 8f], merged);
    }

    [Fact]
    public void Average_RefusesMismatchedLengthsAndNoWeight()
    {
        Assert.Throws<ArgumentException>(() => ParameterAveraging.Average([([1f, 2f], 1), ([1f], 1)]));
        Assert.Throws<ArgumentException>(() => ParameterAveraging.Average([([1f], 0)]));
    }

    [Fact]
    public void BlockwiseInt8_RoundTripsWithinHalfAStepOfEachBlock_AndRejectsBadPayloads()
    {
        var values = Enumerable.Range(0, 600).Select(i => (float)Math.Sin(i) * (i < 256 ? 0.01f : 2f)).ToArray();
        values[300] = 0f;
        var bytes = BlockwiseInt8.Encode(values);
        var decoded = BlockwiseInt8.Decode(bytes, values.Length)!;

        // 600 values in 3 blocks: 600 bytes and 3 maxima.
        Assert.Equal(600 + 12, bytes.Length);
        for (int i = 0; i < values.Length; i++)
        {
            float max = i < 256 ? 0.01f : 2f;
            Assert.InRange(decoded[i] - values[i], -max / 254 - 1e-7f, max / 254 + 1e-7f);
        }

        Assert.Equal(0f, decoded[300]);
        Assert.Equal(new float[4], BlockwiseInt8.Decode(BlockwiseInt8.Encode(new float[4]), 4));
        Assert.Null(BlockwiseInt8.Decode(bytes, values.Length + 1));
        var corrupt = bytes.ToArray();
        BitConverter.GetBytes(float.NaN).CopyTo(corrupt, 0);
        Assert.Null(BlockwiseInt8.Decode(corrupt, values.Length));
    }

    [Fact]
    public void StatisticsMerge_AveragesSummariesAndSamplesWindowsByWeight()
    {
        var a = new ClassStatistics(2, 8, 0.999);
        var b = new ClassStatistics(2, 8, 0.999);
        Fill(a, 100f);
        Fill(b, 200f);
        a.Joint.Counts[1] = 9;
        b.Joint.Counts[1] = 1;
        a.Shift[0] = 1.0;
        b.Shift[0] = -3.0;
        (a.Fitted[0], a.Mu1[0], b.Fitted[0], b.Mu1[0]) = (true, 2.0, false, 50.0);

        var target = new ClassStatistics(2, 8, 0.999);
        StatisticsAveraging.Merge(target, [(a, 3), (b, 1)]);

        Assert.Equal(((3 * 9) + 1) / 4.0, target.Joint.Counts[1], 12);
        Assert.Equal(0.0, target.Shift[0], 12);
        // Class 0's mixture comes only from the instance that fitted it.
        Assert.True(target.Fitted[0]);
        Assert.Equal(2.0, target.Mu1[0], 12);
        // Window of 8: six of a's newest values (100 + 2..7), then two of b's newest (200 + 6, 7), oldest first.
        Assert.Equal(8, target.Count[0]);
        Assert.Equal(0, target.Next[0]);
        Assert.Equal([102f, 103f, 104f, 105f, 106f, 107f, 206f, 207f], target.LogOdds.AsSpan(0, 8).ToArray());
    }

    [Fact]
    public void StatisticsMerge_WindowsHoldingLessThanTheirShare_GiveWhatTheyHave()
    {
        var a = new ClassStatistics(2, 8, 0.999);
        var b = new ClassStatistics(2, 8, 0.999);
        Fill(a, 100f, held: 1);
        Fill(b, 200f, held: 5);

        var target = new ClassStatistics(2, 8, 0.999);
        StatisticsAveraging.Merge(target, [(a, 1), (b, 1)]);

        Assert.Equal(6, target.Count[0]);
        Assert.Equal(6, target.Next[0]);
        Assert.Equal([100f, 200f, 201f, 202f, 203f, 204f], target.LogOdds.AsSpan(0, 6).ToArray());
    }

    [Fact]
    public void Merge_OfTwoEngines_AveragesTheirParameters_AndTheModelVersionNeverGoesBack()
    {
        using var a = new ScoringEngine(TestData.Options(TestData.TempCheckpoint()), dimension: 6, classes: 3);
        using var b = new ScoringEngine(TestData.Options(TestData.TempCheckpoint()), dimension: 6, classes: 3);
        var (first, _) = TestData.Clusters(256, 6, 3, 0.1, seed: 1);
        var (second, _) = TestData.Clusters(128, 6, 3, 0.1, seed: 2);
        a.Score(first);
        b.Score(second);
        var before = b.Ensemble.ExportParameters();

        var snapshot = a.ExportModel("a", 1, samplesSinceMerge: 256);
        var peer = b.DecodePeer(snapshot, out var reason);
        Assert.Null(reason);
        b.MergePeers([(peer!, 256)], ownWeight: 128);

        var expected = ParameterAveraging.Average([(BlockwiseInt8.Decode(snapshot.Parameters.Span, before.Length)!, 256), (before, 128)]);
        var after = b.Ensemble.ExportParameters();
        for (int i = 0; i < after.Length; i++)
        {
            Assert.Equal(expected[i], after[i], 1e-6f);
        }

        Assert.Equal(a.ModelVersion, b.ModelVersion);
        Assert.True(a.ModelVersion > 0);
    }

    [Fact]
    public void Decode_IgnoresAnotherFormatLayoutOrTruncatedParameters()
    {
        using var engine = new ScoringEngine(TestData.Options(TestData.TempCheckpoint()), dimension: 6, classes: 3);
        var good = engine.ExportModel("a", 1, 0);

        Assert.NotNull(engine.DecodePeer(good, out _));
        Assert.Null(engine.DecodePeer(Changed(good, s => s.Format = 99), out var format));
        Assert.Equal("format", format);
        Assert.Null(engine.DecodePeer(Changed(good, s => s.Layout = "dimension=7"), out var layout));
        Assert.Equal("layout", layout);
        Assert.Null(engine.DecodePeer(Changed(good, s => s.Parameters = ByteString.CopyFrom(s.Parameters.Span[..10])), out var parameters));
        Assert.Equal("malformed", parameters);
        Assert.Null(engine.DecodePeer(Changed(good, s => s.Statistics = ByteString.CopyFrom(s.Statistics.Span[..10])), out var statistics));
        Assert.Equal("malformed", statistics);
    }

    [Fact]
    public void PeerModels_MergeEachNewModelOnce_SkipTheirOwnAndTheStale()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var peers = new PeerModels("self", TimeSpan.FromSeconds(60), clock);
        Assert.True(peers.Offer(Entry("self", created: 999_000, samples: 10)));
        Assert.True(peers.Offer(Entry("b", created: 998_000, samples: 40)));
        Assert.False(peers.Offer(Entry("b", created: 997_000, samples: 5)));
        Assert.True(peers.Offer(Entry("old", created: 900_000, samples: 7)));

        var first = peers.TakeUnmerged();
        Assert.Equal(("b", 40.0), (first.Single().Model.Instance, first.Single().Weight));
        Assert.Empty(peers.TakeUnmerged());

        Assert.True(peers.Offer(Entry("b", created: 999_500, samples: 20)));
        Assert.Equal(20.0, peers.TakeUnmerged().Single().Weight);
        Assert.Equal(3L, peers.OwnLastSequence());
    }

    [Fact]
    public void PeerModels_AtStart_TakeEveryInstanceNearTheNewest_TheirOwnIncluded()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(10_000_000));
        var peers = new PeerModels("self", TimeSpan.FromSeconds(60), clock);
        peers.Offer(Entry("self", created: 1_000_000, samples: 0));
        peers.Offer(Entry("b", created: 1_030_000, samples: 40));
        peers.Offer(Entry("gone", created: 800_000, samples: 40));

        var start = peers.TakeStart();

        Assert.Equal(["b", "self"], start.Select(s => s.Model.Instance).Order());
        Assert.Equal(1.0, start.Single(s => s.Model.Instance == "self").Weight);
        Assert.Empty(peers.TakeUnmerged());
    }

    [Fact]
    public void Schedule_DoublesFromOneBatchToTheInterval()
    {
        long[] expected = [256, 512, 1024, 2048, 4096, 6144, 6144];
        Assert.Equal(expected, Enumerable.Range(0, 7).Select(e => SyncSchedule.SamplesBefore(e, intervalBatches: 24, batchSize: 256)));
        Assert.Equal(6144, SyncSchedule.SamplesBefore(SyncSchedule.Mature, 24, 256));
        Assert.Equal(6144, SyncSchedule.SamplesBefore(1_000, 24, 256));
        Assert.Equal(256, SyncSchedule.SamplesBefore(5, 1, 256));
    }

    private static PeerModels.Entry Entry(string instance, long created, long samples) =>
        new(new PeerModel(instance, Sequence: 3, ModelVersion: 1, [], new ClassStatistics(2, 16, 0.999)), created, samples);

    private static ModelSnapshot Changed(ModelSnapshot snapshot, Action<ModelSnapshot> change)
    {
        var copy = snapshot.Clone();
        change(copy);
        return copy;
    }

    /// <summary>Class 0's window holds <paramref name="held"/> values start + 0, 1, … in arrival order.</summary>
    private static void Fill(ClassStatistics statistics, float start, int held = 8)
    {
        for (int i = 0; i < held; i++)
        {
            statistics.LogOdds[i] = start + i;
            statistics.Difficulties[i] = start + i;
        }

        statistics.Count[0] = held;
        statistics.Next[0] = held % statistics.Window;
    }
}
