namespace EasyHard.Sink.Reporting;

/// <summary>One given label: row of the <c>class_noise</c> view plus its difficulty buckets.</summary>
public sealed record ClassSummary(
    int Label, long Samples, double MeanNoise, double ShareNoisy, int? LikelyTrueLabel, long Easy, long Medium, long Hard);
