namespace EasyHard.Scorer.Proxy;

/// <summary>
/// Softmax of one row of logits on the host. The proxy's rows have as many entries as classes (ten for
/// Fashion-MNIST): libtorch's softmax kernel spends about 40 µs on a [3, 64, 10] tensor, a loop here under one.
/// </summary>
internal static class Softmax
{
    /// <summary>
    /// Writes softmax(<paramref name="logits"/>) into <paramref name="probabilities"/> and returns log Σ exp(z), taken
    /// about the largest logit so no exponent overflows. A non-finite logit gives a non-finite return.
    /// </summary>
    public static double Row(ReadOnlySpan<float> logits, Span<float> probabilities)
    {
        float max = float.NegativeInfinity;
        for (int c = 0; c < logits.Length; c++)
        {
            max = MathF.Max(max, logits[c]);
        }

        double sum = 0;
        for (int c = 0; c < logits.Length; c++)
        {
            float e = MathF.Exp(logits[c] - max);
            probabilities[c] = e;
            sum += e;
        }

        for (int c = 0; c < logits.Length; c++)
        {
            probabilities[c] = (float)(probabilities[c] / sum);
        }

        return max + Math.Log(sum);
    }

    /// <summary>Softmax of every row of <paramref name="classes"/> logits ([…, C] row-major).</summary>
    public static void Rows(ReadOnlySpan<float> logits, Span<float> probabilities, int classes)
    {
        for (int row = 0; row < logits.Length / classes; row++)
        {
            Row(logits.Slice(row * classes, classes), probabilities.Slice(row * classes, classes));
        }
    }
}
