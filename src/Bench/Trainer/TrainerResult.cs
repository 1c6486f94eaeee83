using EasyHard.Bench.Common;

namespace EasyHard.Bench.Trainer;

/// <summary>The outcome of <c>easyhard bench trainer</c>.</summary>
/// <param name="FeedbackApplied">Feedback records the scorer accepted during the feedback arm (easyhard_scorer_feedback_records_total{result="applied"}).</param>
/// <param name="FeedbackLossesUsed">Scored samples whose loss policy used a trainer loss (easyhard_scorer_feedback_losses_used_total).</param>
public sealed record TrainerResult(
    MachineDescription Machine,
    TrainerResult.Setup Settings,
    TrainerArm Weighted,
    TrainerArm Unweighted,
    TrainerArm WithFeedback,
    long FeedbackApplied,
    long FeedbackRejected,
    long FeedbackLossesUsed,
    ReadThroughput Read,
    double SecondsTotal,
    IReadOnlyList<string> Problems)
{
    /// <summary>Clean-test accuracy points the weights add: weighted − unweighted, × 100.</summary>
    public double WeightsGainPoints => 100 * (Weighted.TestAccuracy - Unweighted.TestAccuracy);

    public double FeedbackGainPoints => 100 * (WithFeedback.TestAccuracy - Unweighted.TestAccuracy);

    public bool WeightsTargetMet => WeightsGainPoints >= TrainerTargets.WeightsGainPoints;

    public bool ReadTargetMet => Read.Ratio >= TrainerTargets.ReadRatio;

    public sealed record Setup(string Noise, int Count, int Seed, int StreamEpochs, string Format, int BatchSize, int Hidden, double LearningRate,
        int Partitions, int MaxBacklog, IReadOnlyList<string> ExtraConfig);
}
