namespace EasyHard.Scorer.Weighting;

/// <summary>
/// Loss-based reweighting of Sow et al. 2025 (ICLR, "Dynamic Loss-Based Sample Reweighting for Improved Large
/// Language Model Pretraining"): the batch's losses are scaled linearly to h ∈ [−δ, δ], a shape f(h) is applied
/// (<see cref="LossShape"/>) and w ∝ softmax(f / r), returned with mean 1 over the batch.
/// </summary>
public static class LossPolicy
{
    /// <summary>f(h) for one scaled loss.</summary>
    public static double Shape(LossShape shape, double h, double delta) => shape switch
    {
        LossShape.LinUpper => Math.Min(h + delta, delta),
        LossShape.Quadratic => 1.0 - (h * h / (delta * delta)),
        LossShape.Extremes => Math.Abs(h),
        _ => 0.0,
    };

    /// <param name="losses">The batch's losses.</param>
    /// <param name="shape">f.</param>
    /// <param name="delta">δ &gt; 0.</param>
    /// <param name="temperature">r &gt; 0; large r flattens towards uniform.</param>
    /// <param name="weights">Receives one weight per loss, mean 1.</param>
    public static void Compute(ReadOnlySpan<float> losses, LossShape shape, double delta, double temperature, Span<double> weights)
    {
        int n = losses.Length;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var loss in losses)
        {
            min = Math.Min(min, loss);
            max = Math.Max(max, loss);
        }

        double range = max - min;
        if (n == 0 || shape == LossShape.Uniform || range <= 0 || !double.IsFinite(range))
        {
            weights[..n].Fill(1.0);
            return;
        }

        // f / r for every sample, then a max-shifted softmax scaled by n so the batch mean is 1.
        double maxLogit = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double h = (delta * 2.0 * (losses[i] - min) / range) - delta;
            weights[i] = Shape(shape, h, delta) / temperature;
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
