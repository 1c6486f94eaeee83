namespace EasyHard.Bench.Quality;

/// <summary>EasyHard's scores of every sample at one exposure (one epoch of the stream), indexed by row.</summary>
public sealed class ExposureScores
{
    public ExposureScores(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Noise = new double[count];
        Difficulty = new double[count];
        Influence = new double[count];
        Weight = new double[count];
        Warming = new bool[count];
        Quarantined = new bool[count];
        SuggestedLabel = new int[count];
        SuggestedLabelP = new double[count];
    }

    public double[] Noise { get; }

    public double[] Difficulty { get; }

    public double[] Influence { get; }

    public double[] Weight { get; }

    /// <summary>Scored before the proxy finished its warm-up (weight 1).</summary>
    public bool[] Warming { get; }

    /// <summary>Routed to the quarantine topic (noise at or above the threshold).</summary>
    public bool[] Quarantined { get; }

    /// <summary>The label the scorer suggests (<c>suggested_label</c>; the given label where it has none).</summary>
    public int[] SuggestedLabel { get; }

    /// <summary>Its probability (<c>suggested_label_p</c>; 0: no suggestion).</summary>
    public double[] SuggestedLabelP { get; }

    public ExposureScores Copy()
    {
        var copy = new ExposureScores(Noise.Length);
        Noise.CopyTo(copy.Noise, 0);
        Difficulty.CopyTo(copy.Difficulty, 0);
        Influence.CopyTo(copy.Influence, 0);
        Weight.CopyTo(copy.Weight, 0);
        Warming.CopyTo(copy.Warming, 0);
        Quarantined.CopyTo(copy.Quarantined, 0);
        SuggestedLabel.CopyTo(copy.SuggestedLabel, 0);
        SuggestedLabelP.CopyTo(copy.SuggestedLabelP, 0);
        return copy;
    }
}
