namespace EasyHard.Scorer.Weighting;

/// <summary>The shape f(h) of the loss policy over batch-scaled losses h ∈ [−δ, δ] (Sow et al. 2025).</summary>
public enum LossShape
{
    /// <summary>f = 0: every sample weighs the same.</summary>
    Uniform,

    /// <summary>f = min(h + δ, δ): up-weights medium and hard samples, never the extreme losses more.</summary>
    LinUpper,

    /// <summary>f = 1 − h²/δ²: favours the middle of the batch, down-weights both extremes.</summary>
    Quadratic,

    /// <summary>f = |h|: favours both the easiest and the hardest samples.</summary>
    Extremes,
}
