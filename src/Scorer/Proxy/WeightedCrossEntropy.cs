namespace EasyHard.Scorer.Proxy;

/// <summary>
/// The ensemble's training loss and its gradient with respect to the logits, on the host. Head e weighs sample i by
/// its bootstrap count w[e, i]; the loss is L = Σₑ Σᵢ w[e, i] · (−log softmax(z[e, i])_{yᵢ}) / m over a minibatch of
/// m, and ∂L/∂z[e, i] = w[e, i] · (softmax(z[e, i]) − onehot(yᵢ)) / m, the standard softmax-cross-entropy gradient.
/// The logits of a minibatch are a few thousand numbers: one loop here replaces the log-softmax, gather, weighting
/// and autograd nodes libtorch would run for them one op at a time.
/// </summary>
internal static class WeightedCrossEntropy
{
    /// <summary>
    /// Writes ∂L/∂z into <paramref name="gradient"/> ([E, m, C], the layout of <paramref name="logits"/>) and returns
    /// L. A non-finite return means some logit was not finite; the gradient is then not to be used.
    /// </summary>
    /// <param name="logits">[E, m, C] per-head logits.</param>
    /// <param name="labels">[m] labels in [0, C).</param>
    /// <param name="weights">[E, m] bootstrap weights.</param>
    public static double LossAndGradient(ReadOnlySpan<float> logits, ReadOnlySpan<long> labels, ReadOnlySpan<float> weights, int classes, Span<float> gradient)
    {
        int batch = labels.Length;
        int heads = weights.Length / Math.Max(batch, 1);
        if (batch == 0 || logits.Length != heads * batch * classes || gradient.Length != logits.Length || weights.Length != heads * batch)
        {
            throw new ArgumentException($"Expected [E, m, C] logits and gradient and [E, m] weights for m = {batch}, C = {classes}.");
        }

        var logSumExp = new double[heads * batch];
        Softmax.Rows(logits, gradient, classes, logSumExp);
        double total = 0;
        for (int row = 0; row < heads * batch; row++)
        {
            var g = gradient.Slice(row * classes, classes);
            int label = (int)labels[row % batch];
            double scale = weights[row] / (double)batch;
            total += weights[row] * (logSumExp[row] - logits[(row * classes) + label]);
            for (int c = 0; c < classes; c++)
            {
                g[c] = (float)(g[c] * scale);
            }

            g[label] -= (float)scale;
        }

        return total / batch;
    }
}
