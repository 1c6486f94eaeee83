namespace EasyHard.Evaluation.Metrics;

/// <summary>Spearman's rank correlation ρ: Pearson's correlation of the average ranks, so ties are handled exactly.</summary>
public static class Spearman
{
    /// <returns>ρ in [−1, 1], or NaN when fewer than two values or one side is constant.</returns>
    public static double Compute(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentOutOfRangeException.ThrowIfNotEqual(x.Count, y.Count);
        if (x.Count < 2)
        {
            return double.NaN;
        }

        var rx = Ranking.Average(x);
        var ry = Ranking.Average(y);
        var meanX = rx.Average();
        var meanY = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            var dx = rx[i] - meanX;
            var dy = ry[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }
}
