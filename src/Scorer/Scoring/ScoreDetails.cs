namespace EasyHard.Scorer.Scoring;

/// <summary>Per-sample values of a scoring call that have no field in the <c>Scores</c> message.</summary>
/// <param name="ReducibleLoss">loss − reference loss (RHO-LOSS) when a reference model is configured, else null.</param>
/// <param name="History">The id's blended history after this exposure (exposures, loss EMA, AUM, forgetting events).</param>
/// <param name="NonFinite">The proxy's outputs were not finite: excluded from training, weight 0, quarantined.</param>
/// <param name="LogMargin">log p̄_y − max_{k≠y} log p̄_k of this exposure.</param>
public sealed record ScoreDetails(float? ReducibleLoss, SampleRecord History, bool NonFinite, float LogMargin);
