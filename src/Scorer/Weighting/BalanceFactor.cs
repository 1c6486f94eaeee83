namespace EasyHard.Scorer.Weighting;

/// <summary>
/// Class-balance factor (n_c / N)^(−α) with α cooled linearly to 0 over the cooling period: rare classes are
/// up-weighted early and the natural distribution returns later ("Upsample or Upweight? Balanced Training on
/// Heavily Imbalanced Datasets", Li et al. 2025, which anneals the reweighting exponent the same way).
/// </summary>
public static class BalanceFactor
{
    /// <summary>α at <paramref name="clock"/> samples after warm-up.</summary>
    public static double Alpha(double alpha, long clock, long cooling) => alpha * Math.Max(0.0, 1.0 - ((double)Math.Max(clock, 0) / cooling));

    /// <param name="classShare">(n_c / N) · C of the sample's class (running estimate): relative to a uniform share, so balanced data gets factor 1 and clipping stays meaningful.</param>
    /// <param name="alpha">The current (cooled) α.</param>
    public static double Compute(double classShare, double alpha) => Math.Pow(Math.Max(classShare, 1e-6), -alpha);
}
