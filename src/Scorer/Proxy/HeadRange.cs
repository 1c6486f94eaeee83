namespace EasyHard.Scorer.Proxy;

/// <summary>
/// Heads [Start, Start + Count) of the ensemble: the unit one scoring thread passes and trains. Heads share no
/// weights, so ranges on different threads never touch the same parameter element.
/// </summary>
internal readonly record struct HeadRange(int Start, int Count)
{
    public int End => Start + Count;

    /// <summary>
    /// <paramref name="heads"/> split into <paramref name="parts"/> contiguous ranges (at most one per head), the first
    /// ones a head larger when they do not divide evenly, so the last range has the fewest heads: the first range is the
    /// calling thread's, and with two ranges or more the last one's thread also runs the batch's host-side steps once
    /// its heads have trained.
    /// </summary>
    public static HeadRange[] Split(int heads, int parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        parts = Math.Min(parts, heads);
        var ranges = new HeadRange[parts];
        for (int p = 0, start = 0; p < parts; p++)
        {
            int count = (heads / parts) + (p < heads % parts ? 1 : 0);
            ranges[p] = new HeadRange(start, count);
            start += count;
        }

        return ranges;
    }
}
