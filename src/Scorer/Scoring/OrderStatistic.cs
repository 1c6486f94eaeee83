namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The k-th smallest of a few hundred floats without sorting them: Hoare's FIND (quickselect, Hoare 1961,
/// Algorithm 65), expected linear time where a sort is n log n. The class statistics need two quantiles of each class's
/// window every batch.
/// </summary>
internal static class OrderStatistic
{
    /// <summary>
    /// The value a sort of <paramref name="values"/> in ascending order (NaN first, as <see cref="Array.Sort(Array)"/>
    /// orders floats) would hold at index <paramref name="k"/>. Reorders <paramref name="values"/> so that every value
    /// before index k is at most that value and every value after it at least that value.
    /// </summary>
    public static float Select(Span<float> values, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(k, values.Length);
        int low = 0, high = values.Length - 1;
        while (high > low)
        {
            // Median of three as the pivot, which also puts a sentinel at each end of the range.
            int middle = low + ((high - low) / 2);
            SwapIfLess(values, middle, low);
            SwapIfLess(values, high, low);
            SwapIfLess(values, high, middle);
            float pivot = values[middle];
            int i = low, j = high;
            while (i <= j)
            {
                while (Less(values[i], pivot))
                {
                    i++;
                }

                while (Less(pivot, values[j]))
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            // [low, j] holds values ≤ pivot, [i, high] values ≥ pivot, and anything between them equals the pivot.
            if (k <= j)
            {
                high = j;
            }
            else if (k >= i)
            {
                low = i;
            }
            else
            {
                break;
            }
        }

        return values[k];
    }

    private static bool Less(float a, float b) => a.CompareTo(b) < 0;

    private static void SwapIfLess(Span<float> values, int a, int b)
    {
        if (Less(values[a], values[b]))
        {
            (values[a], values[b]) = (values[b], values[a]);
        }
    }
}
