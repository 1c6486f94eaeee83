namespace EasyHard.Bench.Quality;

/// <param name="LastExposure">Scores of every sample's last exposure (epoch <c>Epochs</c>).</param>
/// <param name="FirstEpoch">Scores of the first epoch; only when the stream ran more than one epoch.</param>
public sealed record EasyHardFigures(ExposureFigures LastExposure, ExposureFigures? FirstEpoch, double ProxyAccuracy, long ModelVersion);
