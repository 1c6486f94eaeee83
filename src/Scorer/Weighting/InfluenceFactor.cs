namespace EasyHard.Scorer.Weighting;

/// <summary>
/// Influence factor exp(β · z) with z the batch z-score of the TracIn-style influence (Pruthi et al. 2020): samples
/// whose gradient agrees with the target set's gain weight, clipped to [1 / maxFactor, maxFactor].
/// </summary>
public static class InfluenceFactor
{
    /// <summary>Multiplies <paramref name="weights"/>[i] by the factor of <paramref name="influence"/>[i].</summary>
    public static void Apply(ReadOnlySpan<float> influence, double beta, double maxFactor, Span<double> weights)
    {
        int n = influence.Length;
        if (n < 2)
        {
            return;
        }

        double mean = 0;
        foreach (var v in influence)
        {
            mean += v;
        }

        mean /= n;
        double variance = 0;
        foreach (var v in influence)
        {
            variance += (v - mean) * (v - mean);
        }

        double std = Math.Sqrt(variance / n);
        if (std <= 0 || !double.IsFinite(std))
        {
            return;
        }

        double limit = Math.Log(maxFactor);
        for (int i = 0; i < n; i++)
        {
            weights[i] *= Math.Exp(Math.Clamp(beta * (influence[i] - mean) / std, -limit, limit));
        }
    }
}
