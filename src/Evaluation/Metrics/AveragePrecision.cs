namespace EasyHard.Evaluation.Metrics;

/// <summary>
/// Average precision of a ranking: AP = Σₙ (Rₙ − Rₙ₋₁)·Pₙ over the distinct score thresholds from the highest down,
/// the step-wise area under the precision–recall curve (no interpolation), as scikit-learn's
/// <c>average_precision_score</c> defines it. Tied scores form one threshold.
/// </summary>
public static class AveragePrecision
{
    /// <param name="scores">Higher = more likely positive.</param>
    /// <param name="positive">Ground truth per score.</param>
    /// <returns>AP in [0,1], or NaN when there is no positive.</returns>
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentOutOfRangeException.ThrowIfNotEqual(scores.Count, positive.Count);
        long positives = positive.Count(p => p);
        if (positives == 0)
        {
            return double.NaN;
        }

        var order = Enumerable.Range(0, scores.Count).ToArray();
        Array.Sort(order, (a, b) => scores[b].CompareTo(scores[a]));
        double ap = 0, previousRecall = 0;
        long truePositives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            for (var k = start; k <= end; k++)
            {
                truePositives += positive[order[k]] ? 1 : 0;
            }

            var recall = truePositives / (double)positives;
            var precision = truePositives / (double)(end + 1);
            ap += (recall - previousRecall) * precision;
            previousRecall = recall;
            start = end + 1;
        }

        return ap;
    }
}
