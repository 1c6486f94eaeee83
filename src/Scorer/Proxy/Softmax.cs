using System.Numerics;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// Softmax of rows of logits on the host. The proxy's rows have as many entries as classes (ten for Fashion-MNIST):
/// libtorch's softmax kernel spends about 40 µs on a [3, 64, 10] tensor. Here the exponentials of all rows run in
/// vector lanes at once, and only the per-row max and sum are row loops.
/// </summary>
internal static class Softmax
{
    /// <summary>
    /// Writes softmax of every row of <paramref name="classes"/> logits ([…, C] row-major) into
    /// <paramref name="probabilities"/>, and each row's log Σ exp(z) into <paramref name="logSumExp"/> when it is not
    /// empty. Exponents are taken about the row's largest logit, so none overflows. A row with a non-finite logit (other
    /// than −∞ beside a finite one) gets a non-finite log-sum-exp and NaN probabilities.
    /// </summary>
    public static void Rows(ReadOnlySpan<float> logits, Span<float> probabilities, int classes, Span<double> logSumExp = default)
    {
        int rows = logits.Length / classes;
        if (probabilities.Length != logits.Length || logits.Length != rows * classes || (!logSumExp.IsEmpty && logSumExp.Length != rows))
        {
            throw new ArgumentException($"Expected [rows, {classes}] logits and probabilities and [rows] log-sum-exps.");
        }

        var maxima = rows <= 1024 ? stackalloc float[rows] : new float[rows];
        for (int row = 0; row < rows; row++)
        {
            var z = logits.Slice(row * classes, classes);
            float max = float.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                max = MathF.Max(max, z[c]);
            }

            maxima[row] = max;
            var shifted = probabilities.Slice(row * classes, classes);
            for (int c = 0; c < classes; c++)
            {
                shifted[c] = z[c] - max;
            }
        }

        int k = 0;
        for (; k + Vector<float>.Count <= probabilities.Length; k += Vector<float>.Count)
        {
            Vector.Exp(new Vector<float>(probabilities[k..])).CopyTo(probabilities[k..]);
        }

        for (; k < probabilities.Length; k++)
        {
            probabilities[k] = MathF.Exp(probabilities[k]);
        }

        for (int row = 0; row < rows; row++)
        {
            var p = probabilities.Slice(row * classes, classes);
            double sum = 0;
            for (int c = 0; c < classes; c++)
            {
                sum += p[c];
            }

            float inverse = (float)(1 / sum);
            for (int c = 0; c < classes; c++)
            {
                p[c] *= inverse;
            }

            if (!logSumExp.IsEmpty)
            {
                logSumExp[row] = maxima[row] + Math.Log(sum);
            }
        }
    }

    /// <summary>
    /// Whether the softmax of <paramref name="row"/> is defined, i.e. its log Σ exp finite: no logit NaN or +∞ and not
    /// all −∞. That is exactly when the largest logit is finite (<see cref="MathF.Max(float, float)"/> keeps a NaN).
    /// </summary>
    public static bool IsDefined(ReadOnlySpan<float> row)
    {
        float max = float.NegativeInfinity;
        foreach (float z in row)
        {
            max = MathF.Max(max, z);
        }

        return float.IsFinite(max);
    }
}
