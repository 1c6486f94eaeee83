namespace EasyHard.Bench.Quality;

/// <summary>A flagged set against the truth.</summary>
public sealed record SetFigures(long Flagged, double Precision, double Recall, double F1);
