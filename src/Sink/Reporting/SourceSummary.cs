namespace EasyHard.Sink.Reporting;

/// <summary>Samples of one producer-given source and their mean noise.</summary>
public sealed record SourceSummary(string Source, long Samples, double MeanNoise);
