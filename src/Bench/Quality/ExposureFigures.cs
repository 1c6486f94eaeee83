namespace EasyHard.Bench.Quality;

/// <summary>EasyHard's scores at one exposure of every sample.</summary>
/// <param name="Noise">Ranking by <c>noise</c> over all samples.</param>
/// <param name="NoiseAfterWarmup">The same over the samples scored after the proxy's warm-up only.</param>
/// <param name="FlaggedAtHalf">The set with <c>noise</c> ≥ 0.5.</param>
/// <param name="DifficultySpearman">Spearman ρ of <c>difficulty</c> with the offline K-fold 1 − p(given label).</param>
/// <param name="NoiseCalibrationError">Expected calibration error of <c>noise</c> as the probability that the label is wrong (10 bins; NaN without injected noise).</param>
public sealed record ExposureFigures(
    RankingFigures Noise, RankingFigures NoiseAfterWarmup, long ScoredAfterWarmup, SetFigures FlaggedAtHalf,
    double DifficultySpearman, double MeanNoise, double MeanWeightNoisy, double MeanWeightClean, double NoiseCalibrationError);
