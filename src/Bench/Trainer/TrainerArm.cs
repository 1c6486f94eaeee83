namespace EasyHard.Bench.Trainer;

/// <summary>What <c>examples/pytorch_trainer.py</c> printed at the end of one arm (its own JSON line).</summary>
/// <param name="PairedWeightedTestAccuracy">
/// With <c>--paired-weighted</c>: the clean-test accuracy of a twin model that stepped on the same batches with
/// EasyHard's weights (quarantined samples at 0), so that it differs from this arm's model by the weights alone.
/// </param>
/// <param name="TestAccuracy">Clean-test accuracy of the model the trainer keeps: the moving average of its weights (<see cref="EmaDecay"/>).</param>
/// <param name="LastStepTestAccuracy">The same for the weights of its last step alone.</param>
public sealed record TrainerArm(
    string Name,
    bool Weights,
    bool Feedback,
    long Records,
    long DistinctIds,
    long QuarantinedRecords,
    double Seconds,
    double RecordsPerSecond,
    long FeedbackSent,
    double TestAccuracy,
    int TestCount,
    double? PairedWeightedTestAccuracy = null,
    double? LastStepTestAccuracy = null,
    double? PairedWeightedLastStepTestAccuracy = null,
    double EmaDecay = 0);
