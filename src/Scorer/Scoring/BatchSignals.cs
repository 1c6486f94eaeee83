namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The per-sample signals of a micro-batch, computed on the host from the heads' softmax outputs. A batch's [E, B, C]
/// probabilities are a few thousand numbers; as tensor expressions they cost about forty kernel launches (1.5 ms of a
/// 10.8 ms batch on one thread), as loops a few microseconds. Influence, which needs the hidden layers and the target
/// gradient, is computed on the host too (<see cref="Signals.Influence"/>), from the projections of the hidden layers
/// on that gradient (one batched multiply per range of heads).
/// </summary>
internal sealed class BatchSignals
{
    private BatchSignals(int n)
    {
        Loss = new float[n];
        SelfConfidence = new float[n];
        Margin = new float[n];
        El2n = new float[n];
        Disagreement = new float[n];
        GradNorm = new float[n];
        Difficulty = new float[n];
        LogMargin = new float[n];
        RawLogOdds = new float[n];
        Predicted = new long[n];
        Confidence = new float[n];
        Assigned = new long[n];
        Alternative = new int[n];
        AlternativeShare = new float[n];
    }

    /// <summary>−log max(p̄_y, 10⁻⁷).</summary>
    public float[] Loss { get; }

    /// <summary>p̄_y (Northcutt et al. 2021).</summary>
    public float[] SelfConfidence { get; }

    /// <summary>p̄_y − max_{k≠y} p̄_k.</summary>
    public float[] Margin { get; }

    /// <summary>‖p̄ − onehot(y)‖₂ (Paul et al. 2021, "Deep Learning on a Data Diet").</summary>
    public float[] El2n { get; }

    /// <summary>Population standard deviation over heads of p_y (0 for a single head).</summary>
    public float[] Disagreement { get; }

    /// <summary>
    /// Mean over heads of ‖∂CE/∂(W, b)‖ of the final layer. For logits z = W h + b, ∂CE/∂z = p − y, so the gradient is
    /// the outer product (p − y) ⊗ [h; 1], whose Frobenius norm is ‖p − y‖₂ · ‖[h; 1]‖₂.
    /// </summary>
    public float[] GradNorm { get; }

    /// <summary>1 − p̄_y (Hase et al. 2024).</summary>
    public float[] Difficulty { get; }

    /// <summary>log p̄_y − max_{k≠y} log p̄_k (both clamped at 10⁻⁷), whose mean over exposures is AUM (Pleiss et al. 2020).</summary>
    public float[] LogMargin { get; }

    /// <summary>Raw noise log-odds s = log Σ_{k≠y} w_yk p̄_k − log p̄_y (see <see cref="ClassStatistics.CellWeights"/>).</summary>
    public float[] RawLogOdds { get; }

    /// <summary>argmax_k p̄_k (the first on ties).</summary>
    public long[] Predicted { get; }

    /// <summary>max_k p̄_k, the predicted class's probability.</summary>
    public float[] Confidence { get; }

    /// <summary>The confident-learning cell k* = argmax { p̄_k : p̄_k ≥ t_k }, or −1 when no class clears its threshold.</summary>
    public long[] Assigned { get; }

    /// <summary>
    /// The most likely true label other than the given one, k* = argmax_{k≠y} w_yk p̄_k: the class the noise
    /// log-odds' numerator weighs most (the first on ties).
    /// </summary>
    public int[] Alternative { get; }

    /// <summary>k*'s share of the numerator, w_yk* p̄_k* / Σ_{k≠y} w_yk p̄_k: how much of "the label is wrong" points to k*.</summary>
    public float[] AlternativeShare { get; }

    /// <param name="probabilities">[E, B, C] row-major per-head softmax.</param>
    /// <param name="hiddenSquares">[E, B] Σ h² of each head's last hidden layer.</param>
    /// <param name="labels">[B] given labels.</param>
    /// <param name="cellWeights">[C, C] row-major relative cell weights w_yk.</param>
    /// <param name="thresholds">[C] per-class thresholds t_k.</param>
    /// <param name="scoringHeads">
    /// [E, B] which heads score each sample (cross-fitting keeps a repeated id to the heads that never trained on it);
    /// empty: every head. Every sample needs at least one. Disagreement and the gradient norm cover the same heads.
    /// </param>
    public static BatchSignals Compute(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> hiddenSquares, ReadOnlySpan<long> labels,
        int heads, int classes, ReadOnlySpan<double> cellWeights, ReadOnlySpan<float> thresholds, ReadOnlySpan<bool> scoringHeads = default)
    {
        int n = labels.Length;
        if (probabilities.Length != heads * n * classes || hiddenSquares.Length != heads * n || cellWeights.Length != classes * classes || thresholds.Length != classes
            || (!scoringHeads.IsEmpty && scoringHeads.Length != heads * n))
        {
            throw new ArgumentException("Signal inputs do not match [E, B, C], [E, B], [C, C], [C] and [E, B].");
        }

        var signals = new BatchSignals(n);
        Span<float> mean = stackalloc float[classes];
        for (int i = 0; i < n; i++)
        {
            int y = (int)labels[i];
            mean.Clear();
            int used = 0;
            for (int e = 0; e < heads; e++)
            {
                if (!Scores(scoringHeads, e, n, i))
                {
                    continue;
                }

                used++;
                var row = probabilities.Slice(((e * n) + i) * classes, classes);
                for (int k = 0; k < classes; k++)
                {
                    mean[k] += row[k];
                }
            }

            if (used == 0)
            {
                throw new ArgumentException($"Sample {i} has no scoring head.", nameof(scoringHeads));
            }

            int predicted = 0, assigned = -1, alternative = y == 0 ? 1 : 0;
            float best = float.NegativeInfinity, other = float.NegativeInfinity, bestAbove = -1f;
            double squares = 0, weighted = 0, bestCell = -1;
            for (int k = 0; k < classes; k++)
            {
                mean[k] /= used;
                float p = mean[k];
                predicted = p > best ? k : predicted;
                best = Math.Max(best, p);
                if (p >= thresholds[k] && p > bestAbove)
                {
                    (assigned, bestAbove) = (k, p);
                }

                double residual = p - (k == y ? 1.0 : 0.0);
                squares += residual * residual;
                if (k != y)
                {
                    other = Math.Max(other, p);
                    double cell = cellWeights[(y * classes) + k] * Math.Max(p, Signals.MinProbability);
                    weighted += cell;
                    (alternative, bestCell) = cell > bestCell ? (k, cell) : (alternative, bestCell);
                }
            }

            float py = mean[y];
            double clampedPy = Math.Max(py, Signals.MinProbability);
            signals.Loss[i] = (float)-Math.Log(clampedPy);
            signals.SelfConfidence[i] = py;
            signals.Difficulty[i] = 1 - py;
            signals.Margin[i] = py - other;
            signals.El2n[i] = (float)Math.Sqrt(squares);
            signals.LogMargin[i] = (float)(Math.Log(clampedPy) - Math.Log(Math.Max(other, Signals.MinProbability)));
            signals.RawLogOdds[i] = (float)(Math.Log(Math.Max(weighted, 1e-30)) - Math.Log(clampedPy));
            signals.Predicted[i] = predicted;
            signals.Confidence[i] = best;
            signals.Assigned[i] = assigned;
            signals.Alternative[i] = alternative;
            signals.AlternativeShare[i] = weighted > 0 ? (float)(bestCell / weighted) : 0f;

            double headMean = 0, headSquares = 0, gradNorm = 0;
            for (int e = 0; e < heads; e++)
            {
                if (!Scores(scoringHeads, e, n, i))
                {
                    continue;
                }

                var row = probabilities.Slice(((e * n) + i) * classes, classes);
                headMean += row[y];
                double residual = 0;
                for (int k = 0; k < classes; k++)
                {
                    double d = row[k] - (k == y ? 1.0 : 0.0);
                    residual += d * d;
                }

                gradNorm += Math.Sqrt(residual) * Math.Sqrt(hiddenSquares[(e * n) + i] + 1.0);
            }

            headMean /= used;
            for (int e = 0; e < heads; e++)
            {
                if (!Scores(scoringHeads, e, n, i))
                {
                    continue;
                }

                double d = probabilities[(((e * n) + i) * classes) + y] - headMean;
                headSquares += d * d;
            }

            signals.Disagreement[i] = (float)Math.Sqrt(headSquares / used);
            signals.GradNorm[i] = (float)(gradNorm / used);
        }

        return signals;
    }

    private static bool Scores(ReadOnlySpan<bool> scoringHeads, int head, int n, int i) => scoringHeads.IsEmpty || scoringHeads[(head * n) + i];
}
