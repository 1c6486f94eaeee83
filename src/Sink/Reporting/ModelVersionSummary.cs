namespace EasyHard.Sink.Reporting;

/// <summary>
/// Samples scored by model versions <see cref="FirstVersion"/> … <see cref="LastVersion"/>: how often the proxy's
/// out-of-sample prediction agreed with the given label, and their mean noise.
/// </summary>
public sealed record ModelVersionSummary(long FirstVersion, long LastVersion, long Samples, double Accuracy, double MeanNoise);
