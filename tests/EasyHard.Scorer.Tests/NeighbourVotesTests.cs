using EasyHard.Scorer.Scoring;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Tests;

public sealed class NeighbourVotesTests
{
    private const int Dimension = 4;
    private const int Classes = 3;

    [Fact]
    public void Vote_IsTheLabelsOfTheNearestSamples_SmoothedByOnePriorVoter()
    {
        using var votes = Votes(count: 3);
        // Three samples of class 0 near the origin, two of class 1 far away.
        Add(votes, [Point(0, 0), Point(0.1f, 0), Point(0, 0.1f), Point(5, 5), Point(5, 5.1f)], [0, 0, 0, 1, 1], ["a", "b", "c", "d", "e"]);

        var q = votes.Vote(Features(Point(0.05f, 0.05f), Point(5, 5.05f)), NeighbourVotes.Hash(["x", "y"]), [true, true])!;

        // Three voters and one prior voter split evenly: (3 + 1/3) / 4 for class 0, (0 + 1/3) / 4 for the others.
        Assert.Equal((3 + (1f / 3)) / 4, q[0], 5);
        Assert.Equal(1f / 3 / 4, q[1], 5);
        Assert.Equal(1f / 3 / 4, q[2], 5);
        // The second sample's three nearest: the two of class 1, then the nearest of class 0.
        Assert.Equal((1 + (1f / 3)) / 4, q[3], 5);
        Assert.Equal((2 + (1f / 3)) / 4, q[4], 5);
    }

    [Fact]
    public void Vote_LeavesOutTheSamplesOwnId_SoARepeatedIdIsJudgedByTheOthers()
    {
        using var votes = Votes(count: 2);
        // "z" was seen labelled 2 at the origin, among two samples of class 0; a repeat of "z" must not vote for itself.
        Add(votes, [Point(0, 0), Point(0.2f, 0), Point(0, 0.2f)], [2, 0, 0], ["z", "a", "b"]);

        var repeated = votes.Vote(Features(Point(0, 0)), NeighbourVotes.Hash(["z"]), [true])!;
        var newcomer = votes.Vote(Features(Point(0, 0)), NeighbourVotes.Hash(["n"]), [true])!;

        Assert.Equal(1f / 3 / 3, repeated[2], 5);
        Assert.Equal((2 + (1f / 3)) / 3, repeated[0], 5);
        Assert.Equal((1 + (1f / 3)) / 3, newcomer[2], 5);
    }

    [Fact]
    public void Vote_IsNullWhileEmptyOrOff_AndUniformForRowsNotFinite()
    {
        using var empty = Votes(count: 2);
        Assert.Null(empty.Vote(Features(Point(0, 0)), NeighbourVotes.Hash(["a"]), [true]));

        using var off = new NeighbourVotes(new NeighbourOptions { Weight = 0 }, Dimension, Classes, seed: 0, CPU);
        Add(off, [Point(0, 0)], [1], ["a"]);
        Assert.Equal(0, off.Size);
        Assert.Null(off.Vote(Features(Point(0, 0)), NeighbourVotes.Hash(["b"]), [true]));

        using var votes = Votes(count: 2);
        Add(votes, [Point(0, 0), Point(1, 1)], [1, 1], ["a", "b"], finite: [true, false]);
        Assert.Equal(1, votes.Size);
        var q = votes.Vote(Features(Point(0, 0), Point(0, 0)), NeighbourVotes.Hash(["c", "d"]), [true, false])!;
        Assert.Equal([1f / 3, 1f / 3, 1f / 3], q[3..]);
    }

    [Fact]
    public void Vote_UnderLoad_SearchesTheFirstSlotsOfTheReservoirOnly()
    {
        using var votes = Votes(count: 1);
        // Slots 0 and 1 hold class 0 far from the probe; slot 2 holds class 1 right at it.
        Add(votes, [Point(3, 3), Point(4, 4), Point(0, 0)], [0, 0, 1], ["a", "b", "c"]);

        var everything = votes.Vote(Features(Point(0, 0)), NeighbourVotes.Hash(["p"]), [true])!;
        votes.Searched = 2;
        var underLoad = votes.Vote(Features(Point(0, 0)), NeighbourVotes.Hash(["p"]), [true])!;

        Assert.True(everything[1] > everything[0]);
        Assert.True(underLoad[0] > underLoad[1]);
    }

    [Fact]
    public void Add_KeepsAUniformReservoirOfItsCapacity()
    {
        using var votes = new NeighbourVotes(new NeighbourOptions { Weight = 0.3, Count = 1, Capacity = 10 }, Dimension, Classes, seed: 0, CPU);
        var random = new Random(3);
        for (int batch = 0; batch < 20; batch++)
        {
            var ids = Enumerable.Range(0, 5).Select(i => $"s{(batch * 5) + i}").ToArray();
            votes.Add(Features([.. ids.Select(_ => Point(batch, 0))]), [.. ids.Select(_ => (long)(batch % Classes))], NeighbourVotes.Hash(ids), [.. ids.Select(_ => true)], random);
        }

        Assert.Equal(10, votes.Size);
        Assert.Equal(100, votes.Offered);
    }

    [Fact]
    public void Projection_KeepsDistancesOrdered_ForFeaturesWiderThanItsDimensions()
    {
        const int wide = 256;
        using var votes = new NeighbourVotes(new NeighbourOptions { Weight = 0.3, Count = 1, Dimensions = 32 }, wide, Classes, seed: 0, CPU);
        Assert.Equal(32, votes.Dimensions);
        var near = new float[wide];
        var far = new float[wide];
        Array.Fill(far, 1f);
        var probe = new float[wide];
        probe[0] = 0.1f;
        votes.Add(new ArraySegment<float>([.. near, .. far]), [0, 1], NeighbourVotes.Hash(["near", "far"]), [true, true], new Random(0));

        var q = votes.Vote(new ArraySegment<float>(probe), NeighbourVotes.Hash(["p"]), [true])!;

        Assert.True(q[0] > q[1], $"nearest neighbour's class 0 should win: {string.Join(", ", q)}");
    }

    [Fact]
    public void Blend_MixesEveryHeadsRowWithTheVote()
    {
        using var votes = Votes(count: 1);
        float[] probabilities = [1, 0, 0, 0, 1, 0];   // 2 heads × 1 sample × 3 classes
        votes.Blend(probabilities, [0, 0, 1], heads: 2);
        Assert.Equal([0.7f, 0, 0.3f, 0, 0.7f, 0.3f], probabilities.Select(p => MathF.Round(p, 5)));
    }

    private static NeighbourVotes Votes(int count) =>
        new(new NeighbourOptions { Weight = 0.3, Count = count, Capacity = 100 }, Dimension, Classes, seed: 0, CPU);

    private static void Add(NeighbourVotes votes, float[][] points, long[] labels, string[] ids, bool[]? finite = null) =>
        votes.Add(Features(points), labels, NeighbourVotes.Hash(ids), finite ?? [.. ids.Select(_ => true)], new Random(0));

    private static float[] Point(float x, float y) => [x, y, 0, 0];

    private static ArraySegment<float> Features(params float[][] points) => new([.. points.SelectMany(p => p)]);
}
