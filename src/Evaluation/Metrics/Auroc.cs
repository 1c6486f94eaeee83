namespace EasyHard.Evaluation.Metrics;

/// <summary>Area under the ROC curve by the Mann–Whitney U statistic, with average ranks for ties.</summary>
public static class Auroc
{
    /// <param name="scores">Higher = more likely positive.</param>
    /// <param name="positive">Ground truth per score.</param>
    /// <returns>AUROC in [0,1], or NaN when one class is empty.</returns>
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentOutOfRangeException.ThrowIfNotEqual(scores.Count, positive.Count);
        var ranks = Ranking.Average(scores);
        double positiveRankSum = 0;
        long positives = 0;
        for (var i = 0; i < ranks.Length; i++)
        {
            if (positive[i])
            {
                positiveRankSum += ranks[i];
                positives++;
            }
        }

        long negatives = scores.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
