namespace EasyHard.Sink.Reporting;

/// <summary>
/// One row of the gallery: a sample from the top of the <c>suspected_mislabels</c> view, with its features when the
/// Sink kept them (<c>sample_features</c>).
/// </summary>
public sealed record SuspectRow(
    string SampleId, int Label, int? SuggestedLabel, double? SuggestedLabelP, double Noise, double Difficulty, double Weight, string Source,
    float[]? Features = null);
