using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Sync;

/// <summary>
/// Merges the running statistics behind <c>noise</c> and <c>bucket</c> of several scorer instances into one, weighted as
/// their parameters are (<see cref="ParameterAveraging"/>): the confident joint, the confidence thresholds, the mixtures,
/// the calibration shift, the bucket edges and the per-class noise rates are weighted means (a class's mixture only over
/// the instances that fitted it); each class window becomes a sample of the union of the instances' windows, the most
/// recent values of each in proportion to its weight, so the next refit and the next quantiles see every instance's data.
/// </summary>
internal static class StatisticsAveraging
{
    /// <summary>Overwrites <paramref name="target"/> with the merge of <paramref name="sources"/> (which may include it).</summary>
    public static void Merge(ClassStatistics target, IReadOnlyList<(ClassStatistics Statistics, double Weight)> sources)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        foreach (var (statistics, _) in sources)
        {
            if (statistics.Classes != target.Classes || statistics.Window != target.Window)
            {
                throw new ArgumentException($"statistics of {statistics.Classes} classes × window {statistics.Window} cannot merge into {target.Classes} × {target.Window}", nameof(sources));
            }
        }

        double total = sources.Sum(s => Math.Max(0, s.Weight));
        if (!(total > 0))
        {
            throw new ArgumentException("merging needs at least one source with a positive weight", nameof(sources));
        }

        var shares = sources.Select(s => Math.Max(0, s.Weight) / total).ToArray();
        var windows = MergedWindows(target, sources, shares);

        Average(target.ConfidenceSum, sources, shares, s => s.ConfidenceSum);
        Average(target.ConfidenceWeight, sources, shares, s => s.ConfidenceWeight);
        Average(target.Shift, sources, shares, s => s.Shift);
        Average(target.NoiseRate, sources, shares, s => s.NoiseRate);
        Average(target.Joint.Counts, sources, shares, s => s.Joint.Counts);
        AverageFloats(target.Lower, sources, shares, s => s.Lower);
        AverageFloats(target.Upper, sources, shares, s => s.Upper);
        target.ShiftUpdates[0] = sources.Max(s => s.Statistics.ShiftUpdates[0]);
        MergeMixtures(target, sources, shares);

        windows.Difficulties.CopyTo(target.Difficulties, 0);
        windows.LogOdds.CopyTo(target.LogOdds, 0);
        windows.Count.CopyTo(target.Count, 0);
        windows.Next.CopyTo(target.Next, 0);
    }

    private static void Average(double[] into, IReadOnlyList<(ClassStatistics Statistics, double Weight)> sources, double[] shares, Func<ClassStatistics, double[]> array) =>
        WeightedSum(sources, shares, array).CopyTo(into, 0);

    private static void AverageFloats(float[] into, IReadOnlyList<(ClassStatistics Statistics, double Weight)> sources, double[] shares, Func<ClassStatistics, float[]> array)
    {
        var sum = WeightedSum(sources, shares, array);
        for (int i = 0; i < into.Length; i++)
        {
            into[i] = (float)sum[i];
        }
    }

    private static double[] WeightedSum<T>(IReadOnlyList<(ClassStatistics Statistics, double Weight)> sources, double[] shares, Func<ClassStatistics, T[]> array)
        where T : System.Numerics.INumberBase<T>
    {
        var sum = new double[array(sources[0].Statistics).Length];
        for (int s = 0; s < sources.Count; s++)
        {
            var values = array(sources[s].Statistics);
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += shares[s] * double.CreateTruncating(values[i]);
            }
        }

        return sum;
    }

    /// <summary>Each class's two-component mixture: the weighted mean of the fits of the instances that have one.</summary>
    private static void MergeMixtures(ClassStatistics target, IReadOnlyList<(ClassStatistics Statistics, double Weight)> sources, double[] shares)
    {
        for (int c = 0; c < target.Classes; c++)
        {
            double weight = 0, mu0 = 0, var0 = 0, mu1 = 0, var1 = 0, pi1 = 0;
            for (int s = 0; s < sources.Count; s++)
            {
                var source = sources[s].Statistics;
                if (!source.Fitted[c] || shares[s] == 0)
                {
                    continue;
                }

                weight += shares[s];
                mu0 += shares[s] * source.Mu0[c];
                var0 += shares[s] * source.Var0[c];
                mu1 += shares[s] * source.Mu1[c];
                var1 += shares[s] * source.Var1[c];
                pi1 += shares[s] * source.Pi1[c];
            }

            if (weight == 0)
            {
                continue;
            }

            (target.Mu0[c], target.Var0[c], target.Mu1[c], target.Var1[c], target.Pi1[c]) = (mu0 / weight, var0 / weight, mu1 / weight, var1 / weight, pi1 / weight);
            target.Fitted[c] = true;
        }
    }

    /// <summary>
    /// Each class window refilled from the sources' most recent values, source s giving ⌊share_s · n⌋ of the n
    /// slots (n = min(window, values held by all)), oldest first so the ring's next slot follows the newest.
    /// </summary>
    private static (float[] Difficulties, float[] LogOdds, int[] Count, int[] Next) MergedWindows(ClassStatistics target,
        IReadOnlyList<(ClassStatistics Statistics, double Weight)> sources, double[] shares)
    {
        int window = target.Window;
        var difficulties = new float[target.Difficulties.Length];
        var logOdds = new float[target.LogOdds.Length];
        var count = new int[target.Classes];
        var next = new int[target.Classes];
        for (int c = 0; c < target.Classes; c++)
        {
            var takes = Takes(sources, shares, c, window);
            int at = 0;
            for (int s = 0; s < sources.Count; s++)
            {
                var source = sources[s].Statistics;
                for (int back = takes[s]; back >= 1; back--)
                {
                    // The back-th most recent value of the source's ring.
                    int slot = ((source.Next[c] - back) % window + window) % window;
                    difficulties[(c * window) + at] = source.Difficulties[(c * window) + slot];
                    logOdds[(c * window) + at] = source.LogOdds[(c * window) + slot];
                    at++;
                }
            }

            count[c] = at;
            next[c] = at % window;
        }

        return (difficulties, logOdds, count, next);
    }

    /// <summary>How many of class <paramref name="c"/>'s values each source gives: its share of the slots, at most what it holds.</summary>
    private static int[] Takes(IReadOnlyList<(ClassStatistics Statistics, double Weight)> sources, double[] shares, int c, int window)
    {
        var takes = new int[sources.Count];
        int held = sources.Sum(s => s.Statistics.Count[c]);
        int slots = Math.Min(window, held);
        int given = 0;
        for (int s = 0; s < sources.Count; s++)
        {
            takes[s] = Math.Min(sources[s].Statistics.Count[c], (int)Math.Floor(shares[s] * slots));
            given += takes[s];
        }

        // Flooring and sources holding less than their share leave slots: fill them from whoever has values left.
        for (int s = 0; s < sources.Count && given < slots; s++)
        {
            int more = Math.Min(sources[s].Statistics.Count[c] - takes[s], slots - given);
            takes[s] += more;
            given += more;
        }

        return takes;
    }
}
