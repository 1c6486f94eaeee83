using EasyHard.Bench.Quality;

namespace EasyHard.IntegrationTests.Bench;

public sealed class FoldSplitTests
{
    [Fact]
    public void Stratified_EveryRowInOneFold_FoldsAndClassesBalanced()
    {
        // 103 rows: class sizes 50, 30, 23.
        var labels = Enumerable.Range(0, 103).Select(i => i < 50 ? 0 : i < 80 ? 1 : 2).ToArray();

        var folds = FoldSplit.Stratified(labels, 4, seed: 7);

        Assert.Equal(103, folds.Length);
        Assert.All(folds, f => Assert.InRange(f, 0, 3));
        var sizes = Enumerable.Range(0, 4).Select(f => folds.Count(x => x == f)).ToArray();
        Assert.True(sizes.Max() - sizes.Min() <= 1, $"fold sizes {string.Join(",", sizes)}");
        foreach (var c in new[] { 0, 1, 2 })
        {
            var perFold = Enumerable.Range(0, 4).Select(f => Enumerable.Range(0, 103).Count(i => labels[i] == c && folds[i] == f)).ToArray();
            Assert.True(perFold.Max() - perFold.Min() <= 1, $"class {c} per fold {string.Join(",", perFold)}");
        }
    }

    [Fact]
    public void Stratified_SameSeedSameSplit_OtherSeedOtherSplit()
    {
        var labels = Enumerable.Range(0, 200).Select(i => i % 10).ToArray();

        Assert.Equal(FoldSplit.Stratified(labels, 4, 1), FoldSplit.Stratified(labels, 4, 1));
        Assert.NotEqual(FoldSplit.Stratified(labels, 4, 1), FoldSplit.Stratified(labels, 4, 2));
    }

    [Fact]
    public void Stratified_TooFewRowsOrFolds_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FoldSplit.Stratified([0, 1, 0], 1, 0));
        Assert.Throws<ArgumentException>(() => FoldSplit.Stratified([0, 1], 3, 0));
    }
}
