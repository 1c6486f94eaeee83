using EasyHard.Bench.Quality;

namespace EasyHard.IntegrationTests.Bench;

public sealed class StratifiedKeepTests
{
    [Fact]
    public void Select_KeepsEachClassItsShare_CleanFirst_ThenByScore()
    {
        // Class 0: four samples, class 1: two. Half of each is kept.
        int[] labels = [0, 0, 0, 0, 1, 1];
        double[] score = [9, 5, 1, 3, 2, 8];
        double[] noise = [0.9, 0.1, 0.2, 0.3, 0.1, 0.6];

        var kept = StratifiedKeep.Select(labels, score, noise, 0.5);

        // Class 0 keeps 2. Its noise sums to 1.5, so its two noisiest (rows 0 and 3) are judged mislabelled: rows 1 (5)
        // and 2 (1) go first although rows 0 (9) and 3 (3) score higher.
        // Class 1 keeps 1. Its noise sums to 0.7: row 5 (noise 0.6) is judged mislabelled, so row 4.
        Assert.Equal([1, 2, 4], kept);
    }

    [Fact]
    public void Select_ClassesStayBalanced_WhereTheScoreFavoursOne()
    {
        var labels = Enumerable.Range(0, 100).Select(i => i % 2).ToArray();
        var score = labels.Select(l => l == 0 ? 10.0 : 0.0).ToArray();
        var kept = StratifiedKeep.Select(labels, score, new double[100], 0.3);
        Assert.Equal(15, kept.Count(i => labels[i] == 0));
        Assert.Equal(15, kept.Count(i => labels[i] == 1));
    }

    [Fact]
    public void Select_BadArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => StratifiedKeep.Select([0, 1], [1.0], [0.0, 0.0], 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedKeep.Select([0], [1.0], [0.0], 0));
    }
}
