using System.Numerics;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The signals that need the hidden layers: last-layer TracIn influence against the target set's mean gradient,
/// computed on the host from the heads' probabilities and last hidden layers. The per-sample signals of the softmax
/// outputs alone are <see cref="BatchSignals"/>.
/// </summary>
internal static class Signals
{
    /// <summary>Probabilities are clamped here before the log so a confident mistake has a finite loss (−log 1e−7 ≈ 16).</summary>
    public const double MinProbability = 1e-7;

    /// <summary>
    /// TracIn restricted to the last layer (Pruthi et al. 2020): ⟨g_i, Ḡ⟩ with g_i = (p_i − y_i) ⊗ [h_i; 1] and
    /// Ḡ the mean last-layer gradient of the target set, averaged over heads. A gradient step on sample i changes
    /// the target loss by ≈ −η⟨g_i, Ḡ⟩, so positive influence means training on it lowers the target loss.
    /// Computed as Σ_c (p_i − y_i)_c (Ḡ_{c, :H} · h_i + Ḡ_{c, H}) without materializing per-sample outer products; the
    /// projections Ḡ_{c, :H} · h_i come in as one batched multiply. Rows not <paramref name="finite"/> get 0.
    /// </summary>
    /// <param name="probabilities">[E, B, C] per-head softmax.</param>
    /// <param name="projections">[E, B, C] Ḡ_{c, :H} · h of each head's last hidden layer.</param>
    /// <param name="biasGradient">[E, C] Ḡ_{c, H}.</param>
    /// <returns>[B] influence.</returns>
    public static float[] Influence(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> projections, ReadOnlySpan<float> biasGradient, ReadOnlySpan<long> labels,
        ReadOnlySpan<bool> finite, int heads, int classes)
    {
        int n = labels.Length;
        if (probabilities.Length != heads * n * classes || projections.Length != probabilities.Length || biasGradient.Length != heads * classes || finite.Length != n)
        {
            throw new ArgumentException("Influence inputs do not match [E, B, C], [E, B, C], [E, C] and [B].");
        }

        var influence = new float[n];
        for (int e = 0; e < heads; e++)
        {
            var bias = biasGradient.Slice(e * classes, classes);
            for (int i = 0; i < n; i++)
            {
                if (!finite[i])
                {
                    continue;
                }

                var p = probabilities.Slice(((e * n) + i) * classes, classes);
                var projection = projections.Slice(((e * n) + i) * classes, classes);
                double sum = 0;
                for (int c = 0; c < classes; c++)
                {
                    sum += (p[c] - (c == labels[i] ? 1.0 : 0.0)) * (projection[c] + bias[c]);
                }

                influence[i] += (float)(sum / heads);
            }
        }

        return influence;
    }

    /// <summary>[E, C, H+1] mean over the target set of each head's last-layer gradient (p − y) ⊗ [h; 1].</summary>
    /// <param name="probabilities">[E, R, C] per-head softmax of the targets.</param>
    /// <param name="hidden">[E, R, H] their last hidden layers.</param>
    /// <param name="labels">[R] their labels.</param>
    public static float[] MeanLastLayerGradient(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> hidden, ReadOnlySpan<long> labels, int heads, int classes)
    {
        int count = labels.Length;
        int width = hidden.Length / Math.Max(heads * count, 1);
        if (count == 0 || probabilities.Length != heads * count * classes || hidden.Length != heads * count * width)
        {
            throw new ArgumentException("Target inputs do not match [E, R, C] and [E, R, H] for R ≥ 1.");
        }

        var gradient = new float[heads * classes * (width + 1)];
        for (int e = 0; e < heads; e++)
        {
            for (int i = 0; i < count; i++)
            {
                var h = hidden.Slice(((e * count) + i) * width, width);
                var p = probabilities.Slice(((e * count) + i) * classes, classes);
                for (int c = 0; c < classes; c++)
                {
                    var g = gradient.AsSpan(((e * classes) + c) * (width + 1), width + 1);
                    float residual = (p[c] - (c == labels[i] ? 1f : 0f)) / count;
                    AddScaled(g[..width], h, residual);
                    g[width] += residual;
                }
            }
        }

        return gradient;
    }

    /// <summary>target += scale · source, in vector lanes.</summary>
    private static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float scale)
    {
        int k = 0;
        for (; k + Vector<float>.Count <= target.Length; k += Vector<float>.Count)
        {
            (new Vector<float>(target[k..]) + (new Vector<float>(source[k..]) * scale)).CopyTo(target[k..]);
        }

        for (; k < target.Length; k++)
        {
            target[k] += source[k] * scale;
        }
    }
}
