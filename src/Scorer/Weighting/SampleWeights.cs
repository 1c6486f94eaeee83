namespace EasyHard.Scorer.Weighting;

/// <summary>
/// Combines the enabled policy factors into a batch's weights: noise factor × LinUpper loss factor, clipped to
/// [w_min, w_max]. Renormalization to mean 1 is applied afterwards by <see cref="WeightRenormalizer"/>.
/// </summary>
public static class SampleWeights
{
    /// <param name="lossPolicyActive">False during the loss policy's burn-in: the loss factor is uniform (1).</param>
    public static void Combine(
        ReadOnlySpan<float> noise,
        ReadOnlySpan<float> losses,
        double gamma,
        bool lossPolicyActive,
        double delta,
        double temperature,
        double weightMin,
        double weightMax,
        Span<double> weights)
    {
        if (lossPolicyActive)
        {
            LinUpperPolicy.Compute(losses, delta, temperature, weights);
        }
        else
        {
            weights[..losses.Length].Fill(1.0);
        }

        for (int i = 0; i < losses.Length; i++)
        {
            weights[i] = Math.Clamp(weights[i] * NoiseFactor.Compute(noise[i], gamma), weightMin, weightMax);
        }
    }
}
