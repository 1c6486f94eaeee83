using EasyHard.Contracts;
using EasyHard.Contracts.V1;

namespace EasyHard.Sink.Persistence;

/// <summary>A scored sample flattened to the column values of <c>sample_scores</c>.</summary>
internal readonly record struct SampleColumns(
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
    DateTime ScoredAtUtc,
    int? SuggestedLabel,
    double? SuggestedLabelP)
{
    public static SampleColumns From(ScoredSample scored, TimeProvider timeProvider)
    {
        var canonical = scored.Canonical ?? new CanonicalSample();
        var sample = canonical.Sample ?? new TrainingSample();
        var scores = scored.Scores ?? new Scores();
        var origin = canonical.Origin;
        // The Scorer stamps the scoring time; a record without one is stamped on arrival.
        var scoredAt = scored.ScoredAtUnixMs > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds(scored.ScoredAtUnixMs).UtcDateTime
            : timeProvider.GetUtcNow().UtcDateTime;
        return new SampleColumns(
            sample.Id,
            sample.Label,
            scores.PredictedLabel,
            scores.Loss,
            scores.SelfConfidence,
            scores.Margin,
            scores.El2N,
            scores.GradNorm,
            scores.Influence,
            scores.Difficulty,
            scores.Noise,
            scores.Disagreement,
            scored.Weight,
            scored.Bucket.ToName(),
            scored.ModelVersion,
            scored.Warming,
            scored.Quarantined,
            sample.Source,
            sample.HasHumanDifficulty ? sample.HumanDifficulty : null,
            origin?.Topic ?? string.Empty,
            origin?.Partition ?? -1,
            origin?.Offset ?? -1,
            scoredAt,
            scores.HasSuggestion() ? scores.SuggestedLabel : null,
            scores.HasSuggestion() ? scores.SuggestedLabelP : null);
    }
}
