namespace EasyHard.Sink.Reporting;

/// <summary>One row of the gallery: a sample from the top of the <c>suspected_mislabels</c> view.</summary>
public sealed record SuspectRow(
    string SampleId, int Label, int? SuggestedLabel, double? SuggestedLabelP, double Noise, double Difficulty, double Weight, string Source);
