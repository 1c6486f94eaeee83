namespace EasyHard.Host.Evaluation;

/// <summary>Area under the ROC curve by the Mann–Whitney U statistic, with average ranks for ties.</summary>
public static class Auroc
{
    /// <param name="scores">Higher = more likely positive.</param>
    /// <param name="positive">Ground truth per score.</param>
    /// <returns>AUROC in [0,1], or NaN when one class is empty.</returns>
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(scores.Count, positive.Count);
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            var averageRank = ((start + end) / 2.0) + 1;
            for (var k = start; k <= end; k++)
            {
                if (positive[order[k]])
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        long negatives = scores.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
