using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The signals that need the hidden layers on the device: last-layer TracIn influence against the target set's mean
/// gradient. The per-sample signals of the softmax outputs are <see cref="BatchSignals"/>.
/// </summary>
internal static class Signals
{
    /// <summary>Probabilities are clamped here before the log so a confident mistake has a finite loss (−log 1e−7 ≈ 16).</summary>
    public const double MinProbability = 1e-7;

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

    private static Tensor Augment(Tensor hidden) =>
        cat([hidden, ones(hidden.shape[0], hidden.shape[1], 1, dtype: hidden.dtype, device: hidden.device)], 2);
}
