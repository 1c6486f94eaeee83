namespace EasyHard.Scorer.Scoring;

/// <summary>Host copies of one scored batch's per-sample values that feed the running statistics.</summary>
/// <param name="Predicted">argmax_k p̄_k.</param>
/// <param name="Confidence">max_k p̄_k.</param>
/// <param name="Include">False for samples left out of every running statistic (non-finite outputs).</param>
internal sealed record BatchView(
    int[] Labels,
    float[] SelfConfidence,
    float[] Difficulty,
    float[] LogOdds,
    float[] Noise,
    long[] Assigned,
    long[] Predicted,
    float[] Confidence,
    bool[] Include);
