namespace EasyHard.Scorer.Scoring;

/// <summary>The overall label-noise rate as each estimate of the class statistics gives it.</summary>
/// <param name="Joint">The confident joint's off-diagonal share (high by about the proxy's error rate).</param>
/// <param name="Mixture">The loss mixtures' noisy weight (low where noisy and clean losses overlap).</param>
/// <param name="Disagreement">The disagreement among the proxy's most confident predictions.</param>
/// <param name="Calibrated">The rate <c>noise</c> is calibrated to (<see cref="ClassStatistics.EstimatedNoiseRate"/>).</param>
public sealed record NoiseRateEstimates(double Joint, double Mixture, double Disagreement, double Calibrated);
