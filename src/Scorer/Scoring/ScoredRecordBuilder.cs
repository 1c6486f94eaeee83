using EasyHard.Contracts.V1;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The records of a scored batch, one <see cref="ScoredSample"/> (and <see cref="ScoreDetails"/>) per sample in
/// arrival order, from its <see cref="BatchAssessment"/>; and the batch's metrics.
/// </summary>
internal sealed class ScoredRecordBuilder(ScorerOptions options, bool hasReference, ScoringProgress progress, ClassStatistics statistics, SampleHistory history, TimeProvider timeProvider)
{
    /// <summary>
    /// Appends the records of the batch <paramref name="batch"/> (samples <paramref name="start"/>.. of
    /// <paramref name="samples"/>) to <paramref name="results"/>, and their details to <paramref name="details"/> when
    /// given. Runs after the assessment, so the records carry the model version the batch's training leaves.
    /// </summary>
    public void Build(BatchScores batch, BatchAssessment assessment, IReadOnlyList<CanonicalSample> samples, int start, List<ScoredSample> results, List<ScoreDetails>? details)
    {
        var (finite, referenceLoss) = (batch.Finite, batch.ReferenceLoss);
        var (signals, influence, noise, bucket, warming, weights, records, nonFinite, feedbackApplied) = assessment;
        var (loss, selfConfidence, margin, el2n, disagreement) = (signals.Loss, signals.SelfConfidence, signals.Margin, signals.El2n, signals.Disagreement);
        var (gradNorm, difficulty, logMargin, predicted) = (signals.GradNorm, signals.Difficulty, signals.LogMargin, signals.Predicted);
        int n = batch.Labels.Length;
        long now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        int warmingCount = 0, quarantinedCount = 0;
        for (int i = 0; i < n; i++)
        {
            var canonical = samples[start + i];
            ScoredSample scored;
            if (finite[i])
            {
                bool quarantined = !warming[i] && noise[i] >= options.Weighting.QuarantineThreshold;
                var (suggested, suggestedP) = SuggestedLabel.Suggest((int)batch.Labels[i], noise[i], signals.Alternative[i], signals.AlternativeShare[i]);
                warmingCount += warming[i] ? 1 : 0;
                quarantinedCount += quarantined ? 1 : 0;
                scored = new ScoredSample
                {
                    Canonical = canonical,
                    Scores = new Scores
                    {
                        Loss = loss[i],
                        SelfConfidence = selfConfidence[i],
                        Margin = margin[i],
                        El2N = el2n[i],
                        GradNorm = gradNorm[i],
                        Influence = influence[i],
                        Difficulty = difficulty[i],
                        Noise = noise[i],
                        Disagreement = disagreement[i],
                        PredictedLabel = (int)predicted[i],
                        SuggestedLabel = suggested,
                        SuggestedLabelP = suggestedP,
                    },
                    Weight = (float)weights[i],
                    Bucket = warming[i] ? Bucket.Unspecified : (Bucket)bucket[i],
                    ModelVersion = progress.ModelVersion,
                    Warming = warming[i],
                    Quarantined = quarantined,
                    ScoredAtUnixMs = now,
                };
                ScorerMetrics.Difficulty.Observe(difficulty[i]);
                ScorerMetrics.Noise.Observe(noise[i]);
                ScorerMetrics.Weight.Observe(weights[i]);
            }
            else
            {
                quarantinedCount++;
                scored = NonFiniteScored(canonical, now);
            }

            results.Add(scored);
            details?.Add(new ScoreDetails(
                hasReference && finite[i] ? loss[i] - referenceLoss[i] : null,
                records[i],
                !finite[i],
                logMargin[i]));
            if (hasReference && finite[i])
            {
                ScorerMetrics.ReducibleLoss.Observe(loss[i] - referenceLoss[i]);
            }
        }

        for (int c = 0; c < statistics.Classes && c < ScorerMetrics.MaxClassLabels; c++)
        {
            ScorerMetrics.ClassNoise(c).Set(statistics.NoiseRate[c]);
        }

        var rates = statistics.NoiseRateEstimates();
        ScorerMetrics.NoiseRateEstimate.WithLabels("calibrated").Set(rates.Calibrated);
        ScorerMetrics.NoiseRateEstimate.WithLabels("disagreement").Set(rates.Disagreement);
        ScorerMetrics.NoiseRateEstimate.WithLabels("joint").Set(rates.Joint);
        ScorerMetrics.NoiseRateEstimate.WithLabels("mixture").Set(rates.Mixture);
        ScorerMetrics.SamplesScored.Inc(n);
        ScorerMetrics.SamplesWarming.Inc(warmingCount);
        ScorerMetrics.SamplesQuarantined.Inc(quarantinedCount);
        ScorerMetrics.NonFiniteSamples.Inc(nonFinite);
        ScorerMetrics.FeedbackLossesUsed.Inc(feedbackApplied);
        ScorerMetrics.HistoryIds.Set(history.Count);
        ScorerMetrics.HistoryEvictions.IncTo(history.Evictions);
        ScorerMetrics.ProxyAccuracy.Set(progress.Accuracy);
        ScorerMetrics.ModelVersion.Set(progress.ModelVersion);
    }

    /// <summary>
    /// A sample whose outputs are not finite carries no evidence about its label, and the proxy must not train on it.
    /// It is emitted with finite sentinel scores (loss −log 1e−7, self-confidence 0, difficulty 1, noise 0,
    /// predicted label −1, no suggested label), bucket hard, weight 0 and quarantined, so trainers never receive it on the weighted
    /// stream while it stays visible in SQL and on the quarantine topic.
    /// </summary>
    private ScoredSample NonFiniteScored(CanonicalSample canonical, long now) => new()
    {
        Canonical = canonical,
        Scores = new Scores
        {
            Loss = (float)-Math.Log(Signals.MinProbability),
            SelfConfidence = 0,
            Margin = -1,
            El2N = MathF.Sqrt(2),
            Difficulty = 1,
            Noise = 0,
            PredictedLabel = -1,
            SuggestedLabel = canonical.Sample?.Label ?? 0,
            SuggestedLabelP = 0,
        },
        Weight = 0,
        Bucket = Bucket.Hard,
        ModelVersion = progress.ModelVersion,
        Warming = progress.SamplesSeen < options.Statistics.WarmupSamples,
        Quarantined = true,
        ScoredAtUnixMs = now,
    };
}
