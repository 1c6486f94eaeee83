namespace EasyHard.Scorer.Weighting;

/// <summary>
/// Curriculum factor D + s(t)(1 − D) with D = 1 − difficulty and pace s(t) = min(t / T, 1): hard samples are
/// down-weighted early and every sample weighs the same once t ≥ T (competence-based curricula, MacAvaney et al.
/// 2020, "Training Curricula for Open Domain Answer Re-Ranking").
/// </summary>
public static class CurriculumFactor
{
    public static double Compute(double difficulty, long clock, long pace)
    {
        double ease = 1.0 - Math.Clamp(difficulty, 0.0, 1.0);
        double s = Math.Min((double)Math.Max(clock, 0) / pace, 1.0);
        return ease + (s * (1.0 - ease));
    }
}
