namespace EasyHard.Bench.Trainer;

/// <summary>What <c>examples/pytorch_trainer.py</c> printed at the end of one arm (its own JSON line).</summary>
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
    int TestCount);
