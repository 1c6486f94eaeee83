namespace EasyHard.Scorer.Weighting;

/// <summary>Per-sample values of the active (non-warming, finite) samples of one batch that the policies read.</summary>
/// <param name="Noise">noise ∈ [0, 1].</param>
/// <param name="Loss">What the loss policy scores (proxy or reducible loss, or the trainer's loss from feedback).</param>
/// <param name="Difficulty">difficulty ∈ [0, 1].</param>
/// <param name="Influence">TracIn-style influence.</param>
/// <param name="ClassShare">Running n_c / N of each sample's given class times the number of classes C (1 on balanced data).</param>
/// <param name="Clock">Samples scored after warm-up (the curriculum and balance clocks).</param>
/// <param name="LossPolicyActive">False during the loss policy's burn-in (uniform loss factor).</param>
public sealed record PolicyInputs(
    float[] Noise,
    float[] Loss,
    float[] Difficulty,
    float[] Influence,
    double[] ClassShare,
    long Clock,
    bool LossPolicyActive);
