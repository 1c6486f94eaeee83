using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Batched per-sample signals from the ensemble's softmax outputs; every formula is one tensor expression over
/// the batch, never a host loop.
/// </summary>
internal static class Signals
{
    /// <summary>Probabilities are clamped here before the log so a confident mistake has a finite loss (−log 1e−7 ≈ 16).</summary>
    public const double MinProbability = 1e-7;

    /// <param name="probabilities">[E, B, C] per-head softmax.</param>
    /// <param name="hidden">[E, B, H] per-head last hidden layer.</param>
    /// <param name="labels">[B] int64 given labels.</param>
    public static SignalBatch Compute(Tensor probabilities, Tensor hidden, Tensor labels)
    {
        long heads = probabilities.shape[0], batch = probabilities.shape[1], classes = probabilities.shape[2];
        var meanP = probabilities.mean([0]);
        var oneHot = nn.functional.one_hot(labels, classes).to_type(meanP.dtype);
        var py = meanP.gather(1, labels.unsqueeze(1)).squeeze(1);

        // loss = −log p̄_y; self-confidence p̄_y (Northcutt et al. 2021); difficulty 1 − p̄_y (Hase et al. 2024).
        var loss = -py.clamp_min(MinProbability).log();
        var others = meanP.masked_fill(oneHot.to_type(ScalarType.Bool), double.NegativeInfinity);
        var margin = py - others.max(1).values;

        // EL2N = ‖p̄ − onehot(y)‖₂ (Paul et al. 2021, "Deep Learning on a Data Diet").
        var el2n = (meanP - oneHot).norm(1);

        // Disagreement: population std over heads of p_y (0 for a single head).
        var headPy = probabilities.gather(2, labels.view(1, batch, 1).expand(heads, batch, 1)).squeeze(2);
        var disagreement = headPy.std(0, unbiased: false);

        var gradNorm = ClosedFormGradNorms(probabilities, hidden, oneHot).mean([0]);
        return new SignalBatch(meanP, oneHot, loss, py, margin, el2n, disagreement, gradNorm, meanP.argmax(1), 1.0 - py);
    }

    /// <summary>
    /// [E, B] norm of ∂CE/∂(W, b) of each head's final Linear layer. For logits z = W h + b, ∂CE/∂z = p − y, so the
    /// gradient is the outer product (p − y) ⊗ [h; 1] whose Frobenius norm factorizes into ‖p − y‖₂ · ‖[h; 1]‖₂.
    /// The reported grad_norm is the mean over heads.
    /// </summary>
    public static Tensor ClosedFormGradNorms(Tensor probabilities, Tensor hidden, Tensor oneHot)
    {
        var residualNorm = (probabilities - oneHot.unsqueeze(0)).norm(2);
        var augmentedNorm = (hidden.pow(2).sum([2]) + 1.0).sqrt();
        return residualNorm * augmentedNorm;
    }

    /// <summary>
    /// TracIn restricted to the last layer (Pruthi et al. 2020): ⟨g_i, Ḡ⟩ with g_i = (p_i − y_i) ⊗ [h_i; 1] and
    /// Ḡ the mean last-layer gradient of the target set, averaged over heads. A gradient step on sample i changes
    /// the target loss by ≈ −η⟨g_i, Ḡ⟩, so positive influence means training on it lowers the target loss.
    /// Computed as (p_i − y_i)ᵀ Ḡ [h_i; 1] without materializing per-sample outer products.
    /// </summary>
    /// <param name="meanGradient">[E, C, H+1] Ḡ from <see cref="MeanLastLayerGradient"/>.</param>
    /// <returns>[B] influence.</returns>
    public static Tensor Influence(Tensor probabilities, Tensor hidden, Tensor oneHot, Tensor meanGradient)
    {
        var residual = probabilities - oneHot.unsqueeze(0);                                   // [E, B, C]
        return (residual.bmm(meanGradient) * Augment(hidden)).sum([2]).mean([0]);
    }

    /// <summary>[E, C, H+1] mean over the target set of each head's last-layer gradient (p − y) ⊗ [h; 1].</summary>
    public static Tensor MeanLastLayerGradient(Tensor targetProbabilities, Tensor targetHidden, Tensor targetOneHot)
    {
        var targetResidual = targetProbabilities - targetOneHot.unsqueeze(0);               // [E, R, C]
        return targetResidual.transpose(1, 2).bmm(Augment(targetHidden)) / targetHidden.shape[1];
    }

    /// <summary>[B] log p̄_y − max_{k≠y} log p̄_k, the margin whose mean over exposures is AUM (Pleiss et al. 2020).</summary>
    public static Tensor LogMargin(Tensor meanProbabilities, Tensor oneHot, Tensor labels)
    {
        var logP = meanProbabilities.clamp_min(MinProbability).log();
        var given = logP.gather(1, labels.unsqueeze(1)).squeeze(1);
        return given - logP.masked_fill(oneHot.to_type(ScalarType.Bool), double.NegativeInfinity).max(1).values;
    }

    private static Tensor Augment(Tensor hidden) =>
        cat([hidden, ones(hidden.shape[0], hidden.shape[1], 1, dtype: hidden.dtype, device: hidden.device)], 2);
}
