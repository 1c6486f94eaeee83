namespace EasyHard.Bench.Quality;

/// <summary>
/// Keeps a fraction of the data by a score while respecting class balance: each given label keeps its own share
/// (per-class quota, as stratified coresets do; ranking by influence alone kept a class at 4 % of the half it chose),
/// and within a class the samples judged clean come first, each part by descending score. Judged mislabelled are a
/// class's highest-noise samples, as many as its mean noise (the estimated noise rate) says it holds, as
/// <c>prune_by_noise_rate</c> does (Northcutt et al. 2021): where noise is under-estimated (systematic flips) a fixed
/// threshold of one half would miss most of them. Highest-influence samples are otherwise the mislabelled ones whose
/// gradient agrees with a noisy target.
/// </summary>
public static class StratifiedKeep
{
    /// <param name="labels">Given labels.</param>
    /// <param name="score">Higher = keep first (e.g. influence).</param>
    /// <param name="noise">noise ∈ [0, 1].</param>
    /// <param name="fraction">Share to keep, in (0, 1].</param>
    /// <returns>The kept rows, class by class; every class keeps round(fraction × its count) (at least one where it has any).</returns>
    public static int[] Select(IReadOnlyList<int> labels, IReadOnlyList<double> score, IReadOnlyList<double> noise, double fraction)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(noise);
        if (score.Count != labels.Count || noise.Count != labels.Count)
        {
            throw new ArgumentException("labels, score and noise must have one value per sample.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1.0);
        var kept = new List<int>();
        foreach (var rows in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = rows.ToArray();
            var quota = Math.Max(1, (int)Math.Round(members.Length * fraction));
            var flagged = (int)Math.Round(members.Sum(i => Math.Clamp(noise[i], 0.0, 1.0)));
            var mislabelled = members.OrderByDescending(i => noise[i]).ThenBy(i => i).Take(flagged).ToHashSet();
            kept.AddRange(members
                .OrderBy(i => mislabelled.Contains(i) ? 1 : 0)
                .ThenByDescending(i => score[i])
                .ThenBy(i => i)
                .Take(quota));
        }

        return [.. kept];
    }
}
