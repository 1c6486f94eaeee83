namespace EasyHard.Sink.Persistence;

/// <summary>One row of <c>sample_scores</c> as read back; timestamps are UTC.</summary>
public sealed record SampleScoreRow(
    string SampleId,
    int Label,
    int PredictedLabel,
    double Loss,
    double SelfConfidence,
    double Margin,
    double El2n,
    double GradNorm,
    double Influence,
    double Difficulty,
    double Noise,
    double Disagreement,
    double Weight,
    string Bucket,
    long ModelVersion,
    bool Warming,
    bool Quarantined,
    string Source,
    double? HumanDifficulty,
    string SourceTopic,
    int SourcePartition,
    long SourceOffset,
    int Exposures,
    DateTime FirstScoredAt,
    DateTime LastScoredAt);
