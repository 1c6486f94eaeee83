namespace EasyHard.Bench.Quality;

/// <summary>A ranking of samples as noise candidates against the truth (label changed).</summary>
public sealed record RankingFigures(double Auroc, double AveragePrecision);
