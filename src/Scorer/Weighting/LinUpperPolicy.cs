namespace EasyHard.Scorer.Weighting;

/// <summary>
/// LinUpper loss-based reweighting (Sow et al. 2025, ICLR, "Dynamic Loss-Based Sample Reweighting for Improved
/// Large Language Model Pretraining"): batch losses are scaled to h ∈ [−δ, δ], f(h) = min(h + δ, δ) rises with
/// the loss up to the batch's middle and then stays flat, so medium and hard samples gain weight while the
/// highest losses (often noise) gain no more; w ∝ softmax(f / r), returned with mean 1 over the batch.
/// </summary>
public static class LinUpperPolicy
{
    /// <param name="losses">The batch's losses.</param>
    /// <param name="delta">δ &gt; 0.</param>
    /// <param name="temperature">r &gt; 0; large r flattens towards uniform.</param>
    /// <param name="weights">Receives one weight per loss, mean 1.</param>
    public static void Compute(ReadOnlySpan<float> losses, double delta, double temperature, Span<double> weights)
    {
        int n = losses.Length;
        if (n == 0)
        {
            return;
        }

        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var loss in losses)
        {
            min = Math.Min(min, loss);
            max = Math.Max(max, loss);
        }

        double range = max - min;
        if (range <= 0 || !double.IsFinite(range))
        {
            weights[..n].Fill(1.0);
            return;
        }

        // f / r for every sample, then a max-shifted softmax scaled by n so the batch mean is 1.
        double maxLogit = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double h = (delta * 2.0 * (losses[i] - min) / range) - delta;
            weights[i] = Math.Min(h + delta, delta) / temperature;
            maxLogit = Math.Max(maxLogit, weights[i]);
        }

        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            weights[i] = Math.Exp(weights[i] - maxLogit);
            sum += weights[i];
        }

        for (int i = 0; i < n; i++)
        {
            weights[i] = weights[i] * n / sum;
        }
    }
}
