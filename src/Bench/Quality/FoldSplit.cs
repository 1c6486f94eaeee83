namespace EasyHard.Bench.Quality;

/// <summary>
/// Stratified K-fold assignment, as cleanlab's cross-validated <c>pred_probs</c> use (scikit-learn's
/// <c>StratifiedKFold</c> with shuffling): the rows of each class are shuffled with a seed and dealt round-robin to
/// the folds, continuing where the previous class stopped, so every fold holds about 1/K of every class and fold
/// sizes differ by at most one.
/// </summary>
public static class FoldSplit
{
    /// <returns>The fold in [0, <paramref name="folds"/>) of every row.</returns>
    public static int[] Stratified(IReadOnlyList<int> labels, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        if (labels.Count < folds)
        {
            throw new ArgumentException($"{labels.Count} rows cannot be split into {folds} folds", nameof(labels));
        }

        var random = new Random(seed);
        var assignment = new int[labels.Count];
        var next = 0;
        foreach (var rows in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = rows.ToArray();
            random.Shuffle(members);
            foreach (var row in members)
            {
                assignment[row] = next;
                next = (next + 1) % folds;
            }
        }

        return assignment;
    }
}
