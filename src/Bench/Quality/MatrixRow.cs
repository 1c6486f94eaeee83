namespace EasyHard.Bench.Quality;

/// <summary>
/// One case of the quality matrix: EasyHard's last exposure of every sample next to the offline K-fold reference of
/// the same data, the clean-test accuracies of fresh MLPs trained under each weighting, and the targets that apply to
/// the case (null where none does).
/// </summary>
public sealed record MatrixRow(
    string Case,
    int Samples,
    int Dimension,
    string Noise,
    int Epochs,
    double TrueNoiseRate,
    RankingFigures EasyHard,
    RankingFigures? EasyHardFirstExposure,
    double MeanNoise,
    double NoiseCalibrationError,
    double QuarantinedShare,
    double DifficultySpearman,
    double MeanWeightNoisy,
    double MeanWeightClean,
    OfflineFigures Offline,
    double BestOfflineAuroc,
    DownstreamFigures Downstream,
    double StreamSeconds,
    IReadOnlyList<TargetCheck> Targets);
