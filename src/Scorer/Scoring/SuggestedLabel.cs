namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The label a trainer could use instead of the given one, and its probability. <c>noise</c> is the probability that
/// the given label y is wrong, so P(true = y) = 1 − noise; the rest is split over the other classes as the noise
/// log-odds split it, by the proxy's out-of-sample prediction corrected by the noise transition (w_yk p̄_k, see
/// <see cref="ClassStatistics.CellWeights"/>), so under a systematic flip y → k the suggestion is k even where the
/// proxy ranks a third class higher (forward correction in spirit, Patrini et al. 2017). The suggestion is the most
/// probable of these: the given label unless one other class is more likely than it.
/// </summary>
public static class SuggestedLabel
{
    /// <param name="given">The given label y.</param>
    /// <param name="noise">P(y is wrong) ∈ [0, 1].</param>
    /// <param name="alternative">k* = argmax_{k≠y} w_yk p̄_k.</param>
    /// <param name="alternativeShare">k*'s share of Σ_{k≠y} w_yk p̄_k ∈ [0, 1].</param>
    public static (int Label, float Probability) Suggest(int given, float noise, int alternative, float alternativeShare)
    {
        float wrong = Math.Clamp(noise, 0f, 1f);
        float right = 1f - wrong;
        float other = wrong * Math.Clamp(alternativeShare, 0f, 1f);
        return other > right ? (alternative, other) : (given, right);
    }
}
