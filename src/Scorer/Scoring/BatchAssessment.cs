namespace EasyHard.Scorer.Scoring;

/// <summary>
/// What the host-side steps of a scored batch concluded per sample, in batch order, for its records: the signals (with
/// the difficulty blended over the id's exposures), influence, calibrated noise, bucket, whether the sample is warming,
/// weight and the id's history (default for rows not finite); with the batch's count of non-finite rows and of trainer
/// losses applied.
/// </summary>
internal sealed record BatchAssessment(
    BatchSignals Signals,
    float[] Influence,
    float[] Noise,
    int[] Bucket,
    bool[] Warming,
    double[] Weights,
    SampleRecord[] Records,
    int NonFinite,
    int FeedbackApplied);
