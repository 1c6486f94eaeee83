namespace EasyHard.Sink.Reporting;

/// <summary>
/// The table at a glance. <see cref="EstimatedNoiseRate"/> is the mean noise score after warm-up: noise is the
/// probability that a label is wrong, calibrated so that its mean tracks the data's noise rate.
/// </summary>
public sealed record ReportOverview(
    long Samples,
    long Warming,
    DateTime? FirstScoredAt,
    DateTime? LastScoredAt,
    double EstimatedNoiseRate,
    long Quarantined,
    long? LatestModelVersion);
