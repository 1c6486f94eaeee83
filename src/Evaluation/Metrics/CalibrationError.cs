namespace EasyHard.Evaluation.Metrics;

/// <summary>
/// Expected calibration error of probabilities against outcomes: ECE = Σ_b (n_b / n) · |mean p in b − share positive
/// in b| over equal-width bins of p (Naeini, Cooper &amp; Hauskrecht 2015; Guo et al. 2017). 0 when every group of
/// samples given probability p holds a share p of positives: a <c>noise</c> of 0.8 then means 8 in 10 such labels
/// are wrong.
/// </summary>
public static class CalibrationError
{
    /// <param name="probabilities">Predicted probability of the positive outcome, in [0, 1].</param>
    /// <param name="positive">Outcome per probability.</param>
    /// <param name="bins">Equal-width bins over [0, 1]; p = 1 falls in the last.</param>
    /// <returns>ECE in [0, 1], or NaN for no sample.</returns>
    public static double Compute(IReadOnlyList<double> probabilities, IReadOnlyList<bool> positive, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(positive);
        ArgumentOutOfRangeException.ThrowIfNotEqual(probabilities.Count, positive.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (probabilities.Count == 0)
        {
            return double.NaN;
        }

        var (sum, hits, count) = (new double[bins], new long[bins], new long[bins]);
        for (var i = 0; i < probabilities.Count; i++)
        {
            double p = probabilities[i];
            ArgumentOutOfRangeException.ThrowIfLessThan(p, 0.0, nameof(probabilities));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1.0, nameof(probabilities));
            var b = Math.Min((int)(p * bins), bins - 1);
            sum[b] += p;
            hits[b] += positive[i] ? 1 : 0;
            count[b]++;
        }

        double error = 0;
        for (var b = 0; b < bins; b++)
        {
            error += count[b] == 0 ? 0 : Math.Abs(sum[b] - hits[b]) / probabilities.Count;
        }

        return error;
    }
}
