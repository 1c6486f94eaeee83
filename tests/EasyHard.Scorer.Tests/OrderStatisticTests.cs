using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

public sealed class OrderStatisticTests
{
    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(33, 2)]
    [InlineData(512, 3)]
    [InlineData(500, 4)]
    public void Select_EveryRank_IsWhatASortPlacesThere_AndPartitionsAroundIt(int length, int seed)
    {
        var random = new Random(seed);
        // Few distinct values in half the cases: runs of equal values are where partitions go wrong.
        var values = Enumerable.Range(0, length).Select(_ => seed % 2 == 0 ? (float)random.NextDouble() : random.Next(5)).ToArray();
        var sorted = values.Order().ToArray();

        for (int k = 0; k < length; k++)
        {
            var work = values.ToArray();
            float selected = OrderStatistic.Select(work, k);

            Assert.Equal(sorted[k], selected);
            Assert.All(work[..k], v => Assert.True(v <= selected));
            Assert.All(work[(k + 1)..], v => Assert.True(v >= selected));
            Assert.Equal(sorted, work.Order());
        }
    }

    [Fact]
    public void Select_NaNAndInfinities_OrderedAsArraySortOrdersThem()
    {
        float[] values = [3, float.NaN, float.NegativeInfinity, 1, float.PositiveInfinity, -2, float.NaN];
        var sorted = values.ToArray();
        Array.Sort(sorted);

        for (int k = 0; k < values.Length; k++)
        {
            Assert.Equal(sorted[k], OrderStatistic.Select(values.ToArray(), k));
        }
    }

    [Fact]
    public void Select_RankOutsideTheValues_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStatistic.Select(new float[3], 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => OrderStatistic.Select(new float[3], -1));
    }
}
