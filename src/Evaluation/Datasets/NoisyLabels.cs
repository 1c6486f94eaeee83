namespace EasyHard.Evaluation.Datasets;

/// <summary>Labels after noise injection, with the truth per sample: the clean label and whether it was changed.</summary>
public sealed class NoisyLabels
{
    public NoisyLabels(int[] given, int[] trueLabels, bool[] isNoisy)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentNullException.ThrowIfNull(trueLabels);
        ArgumentNullException.ThrowIfNull(isNoisy);
        if (given.Length != trueLabels.Length || given.Length != isNoisy.Length)
        {
            throw new ArgumentException("given, true and is-noisy arrays must have the same length");
        }

        Given = given;
        True = trueLabels;
        IsNoisy = isNoisy;
    }

    public int Count => Given.Length;

    /// <summary>The labels producers send (noisy where <see cref="IsNoisy"/>).</summary>
    public int[] Given { get; }

    /// <summary>The clean labels.</summary>
    public int[] True { get; }

    /// <summary>True where the given label differs from the true label.</summary>
    public bool[] IsNoisy { get; }

    /// <summary>Fraction of labels that were changed.</summary>
    public double RealizedRate => Count == 0 ? 0 : IsNoisy.Count(noisy => noisy) / (double)Count;
}
