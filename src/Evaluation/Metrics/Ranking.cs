namespace EasyHard.Evaluation.Metrics;

/// <summary>Ranks of values, ties sharing their average rank (the convention of Mann–Whitney U and Spearman's ρ).</summary>
public static class Ranking
{
    /// <summary>1-based ranks in ascending order of <paramref name="values"/>; tied values get the mean of the ranks they span.</summary>
    public static double[] Average(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var order = Enumerable.Range(0, values.Count).ToArray();
        Array.Sort(order, (a, b) => values[a].CompareTo(values[b]));
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            var averageRank = ((start + end) / 2.0) + 1;
            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = averageRank;
            }

            start = end + 1;
        }

        return ranks;
    }
}
