namespace EasyHard.Evaluation.Metrics;

/// <summary>How well a flagged set matches the true positives: precision, recall and F1 of the set.</summary>
public sealed record SetDetection(long Flagged, long Positives, long TruePositives)
{
    /// <summary>TP / flagged; NaN when nothing is flagged.</summary>
    public double Precision => Flagged == 0 ? double.NaN : TruePositives / (double)Flagged;

    /// <summary>TP / positives; NaN when there is no positive.</summary>
    public double Recall => Positives == 0 ? double.NaN : TruePositives / (double)Positives;

    /// <summary>Harmonic mean of precision and recall: 2·TP / (flagged + positives); NaN when both are empty.</summary>
    public double F1 => Flagged + Positives == 0 ? double.NaN : 2.0 * TruePositives / (Flagged + Positives);

    public static SetDetection Compute(IReadOnlyList<bool> flagged, IReadOnlyList<bool> positive)
    {
        ArgumentNullException.ThrowIfNull(flagged);
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentOutOfRangeException.ThrowIfNotEqual(flagged.Count, positive.Count);
        long f = 0, p = 0, tp = 0;
        for (var i = 0; i < flagged.Count; i++)
        {
            f += flagged[i] ? 1 : 0;
            p += positive[i] ? 1 : 0;
            tp += flagged[i] && positive[i] ? 1 : 0;
        }

        return new SetDetection(f, p, tp);
    }
}
