using EasyHard.Bench.Common;

namespace EasyHard.Bench.Trainer;

/// <summary>The outcome of <c>easyhard bench trainer</c>.</summary>
/// <param name="Corrected">
/// The trainer on <c>easyhard.corrected_loss</c> (weights and, where EasyHard suggests another label, that label at its
/// probability), reading the quarantine topic too, beside the weighted arm on the same stream.
/// </param>
/// <param name="Weighted">The trainer with the weights on the weighted and quarantine topics: the unweighted arm's stream, weights on.</param>
/// <param name="WeightedTopicOnly">
/// The trainer with the weights on the weighted topic alone (the client's default): it skips the quarantined
/// samples, and so takes as many fewer optimizer steps in its passes.
/// </param>
/// <param name="FeedbackApplied">Feedback records the scorer accepted during the feedback arm (easyhard_scorer_feedback_records_total{result="applied"}).</param>
/// <param name="FeedbackLossesUsed">Scored samples whose loss policy used a trainer loss (easyhard_scorer_feedback_losses_used_total).</param>
/// <param name="Load">What the scorer scored while the arms of the first stream read, and how much of it under load.</param>
/// <param name="Replay">The unweighted arm's batches replayed with other weights (null without <c>--replay-seeds</c>).</param>
public sealed record TrainerResult(
    MachineDescription Machine,
    TrainerResult.Setup Settings,
    TrainerArm Weighted,
    TrainerArm Unweighted,
    TrainerArm Corrected,
    TrainerArm WeightedTopicOnly,
    TrainerArm WithFeedback,
    long FeedbackApplied,
    long FeedbackRejected,
    long FeedbackLossesUsed,
    ReadThroughput Read,
    ScorerLoad Load,
    double SecondsTotal,
    IReadOnlyList<string> Problems,
    TrainerReplay? Replay = null)
{
    /// <summary>Clean-test accuracy points the weights add: weighted − unweighted, × 100.</summary>
    public double WeightsGainPoints => 100 * (Weighted.TestAccuracy - Unweighted.TestAccuracy);

    public double WeightedTopicOnlyGainPoints => 100 * (WeightedTopicOnly.TestAccuracy - Unweighted.TestAccuracy);

    public double CorrectedGainPoints => 100 * (Corrected.TestAccuracy - Unweighted.TestAccuracy);

    public double FeedbackGainPoints => 100 * (WithFeedback.TestAccuracy - Unweighted.TestAccuracy);

    /// <summary>
    /// The same gain measured on one stream order: the unweighted arm's twin model, which stepped on the very same
    /// batches with the weights, against the arm's own model (NaN when the arm had no twin). The two arms read the
    /// stream in the orders it arrived in, which differ from run to run; the twin does not.
    /// </summary>
    public double PairedWeightsGainPoints => Unweighted.PairedWeightedTestAccuracy is { } twin ? 100 * (twin - Unweighted.TestAccuracy) : double.NaN;

    /// <summary>The weights' gain read on the last step's weights of both arms instead of their moving averages (NaN when not reported).</summary>
    public double LastStepWeightsGainPoints => Weighted.LastStepTestAccuracy is { } weighted && Unweighted.LastStepTestAccuracy is { } unweighted
        ? 100 * (weighted - unweighted)
        : double.NaN;

    public bool WeightsTargetMet => WeightsGainPoints >= TrainerTargets.WeightsGainPoints;

    public bool ReadTargetMet => Read.Ratio >= TrainerTargets.ReadRatio;

    public sealed record Setup(string Noise, int Count, int Seed, int StreamEpochs, string Format, int BatchSize, int Hidden, double LearningRate,
        int Partitions, int MaxBacklog, IReadOnlyList<string> ExtraConfig);
}
