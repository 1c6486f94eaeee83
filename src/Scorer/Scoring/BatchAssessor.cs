using EasyHard.Contracts.V1;
using EasyHard.Scorer.Feedback;
using EasyHard.Scorer.Proxy;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The host-side steps of a scored batch that the proxy's training does not touch: the per-sample signals and
/// influence, the per-id history, the calibrated noise and buckets, the class statistics, the influence reservoir and
/// the weights; it advances <see cref="ScoringProgress.SamplesSeen"/> and the running accuracy.
/// </summary>
internal sealed class BatchAssessor(
    ScorerOptions options,
    int dimension,
    int heads,
    ClassStatistics statistics,
    SampleHistory history,
    CleanReservoir reservoir,
    NeighbourVotes neighbours,
    BatchWeighting weighting,
    FoldAssignment folds,
    FeedbackStore? feedback,
    bool hasReference,
    ScoringProgress progress)
{
    /// <summary>Samples with noise below this feed the influence target reservoir.</summary>
    private const double CleanNoiseLimit = 0.5;

    /// <summary>Per-sample smoothing of the running prequential accuracy.</summary>
    private const double AccuracySmoothing = 0.001;

    private readonly int classes = statistics.Classes;

    public BatchAssessment Assess(BatchScores batch)
    {
        var (scored, influenceBias, ids, labels, sampleFolds, features, finite, referenceLoss, foldHeadsOnly) = batch;
        int n = labels.Length;
        var idHashes = neighbours.Enabled ? NeighbourVotes.Hash(ids) : [];
        var votes = neighbours.Vote(features, idHashes, finite);
        var (signals, influence) = Summarize(scored, influenceBias, labels, finite, ScoringHeads(ids, sampleFolds, foldHeadsOnly), votes);
        var (loss, selfConfidence, difficulty) = (signals.Loss, signals.SelfConfidence, signals.Difficulty);
        var (rawLogOdds, logMargin, predicted, assigned) = (signals.RawLogOdds, signals.LogMargin, signals.Predicted, signals.Assigned);

        // Per-id history: a later exposure blends its estimates with the earlier ones (lower variance).
        var noiseLogOdds = new float[n];
        var records = new SampleRecord[n];
        for (int i = 0; i < n; i++)
        {
            if (!finite[i])
            {
                continue;
            }

            records[i] = history.Observe(ids[i], loss[i], rawLogOdds[i], difficulty[i], logMargin[i], predicted[i] == labels[i]);
            noiseLogOdds[i] = records[i].NoiseLogOdds;
            difficulty[i] = records[i].Difficulty;
        }

        var labelInts = Array.ConvertAll(labels, l => (int)l);
        var noise = new float[n];
        var bucket = new int[n];
        for (int i = 0; i < n; i++)
        {
            noise[i] = finite[i] ? statistics.Calibrate(noiseLogOdds[i]) : 0f;
            bucket[i] = finite[i] ? statistics.Bucket(difficulty[i], labelInts[i]) : (int)Bucket.Hard;
        }

        long samplesSeen = progress.SamplesSeen;
        statistics.Update(new BatchView(labelInts, selfConfidence, difficulty, noiseLogOdds, noise, assigned, predicted, signals.Confidence, finite), warm: samplesSeen + n > options.Statistics.WarmupSamples);
        var random = new Random(unchecked((options.Proxy.Seed * 1_000_003) + (int)progress.ModelVersion));
        var warming = new bool[n];
        var active = new List<int>(n);
        int correct = 0, nonFinite = 0;
        for (int i = 0; i < n; i++)
        {
            warming[i] = samplesSeen + i < options.Statistics.WarmupSamples;
            if (!finite[i])
            {
                nonFinite++;
                continue;
            }

            if (!warming[i])
            {
                active.Add(i);
            }

            if (warming[i] || noise[i] < CleanNoiseLimit)
            {
                reservoir.Offer(features.AsSpan(i * dimension, dimension), labels[i], random);
            }

            if (predicted[i] == labels[i])
            {
                correct++;
            }
        }

        neighbours.Add(features, labels, idHashes, finite, new Random(unchecked((options.Proxy.Seed * 7_919) + (int)progress.ModelVersion + 11)));
        var policyLoss = weighting.PolicyLoss(loss, referenceLoss, hasReference);
        int feedbackApplied = feedback?.Apply(ids, policyLoss) ?? 0;
        var weights = weighting.Compute(active, labelInts, policyLoss, noise, difficulty, influence, samplesSeen);
        progress.SamplesSeen += n;
        if (n > nonFinite)
        {
            double alpha = 1 - Math.Pow(1 - AccuracySmoothing, n - nonFinite);
            progress.Accuracy += alpha * (((double)correct / (n - nonFinite)) - progress.Accuracy);
        }

        return new BatchAssessment(signals, influence, noise, bucket, warming, weights, records, nonFinite, feedbackApplied);
    }

    /// <summary>
    /// [E, B] the heads that score each sample: every head on an id's first exposure (prequential: none has trained on
    /// it), only the heads of its fold on a later one (cross-fitting: they never train on it); empty without
    /// cross-fitting. An id evicted from the history counts as new. <paramref name="foldHeadsOnly"/>: every sample is
    /// scored by its fold's heads (the other heads trained on it before it was scored).
    /// </summary>
    private bool[] ScoringHeads(string[] ids, int[] sampleFolds, bool foldHeadsOnly)
    {
        if (!folds.Enabled)
        {
            return [];
        }

        int n = ids.Length;
        var scoring = new bool[heads * n];
        for (int i = 0; i < n; i++)
        {
            bool seen = foldHeadsOnly || history.TryGet(ids[i], out _);
            for (int e = 0; e < heads; e++)
            {
                scoring[(e * n) + i] = !seen || !folds.Trains(e, sampleFolds[i]);
            }
        }

        return scoring;
    }

    /// <summary>
    /// The per-sample signals and influence of a scored batch, from the heads' logits, hidden-layer norms and influence
    /// projections (<paramref name="influenceBias"/> is Ḡ's bias column, null without an influence target). Rows not
    /// <paramref name="finite"/> count as a uniform prediction with no hidden activation. The signals see each head's
    /// prediction blended with the neighbours' <paramref name="votes"/> (when there are any); influence, a gradient of
    /// the proxy's own loss, sees the proxy alone.
    /// </summary>
    private (BatchSignals Signals, float[] Influence) Summarize(HeadScores scored, float[]? influenceBias, long[] labels, bool[] finite, bool[] scoringHeads, float[]? votes)
    {
        int n = labels.Length;
        var probabilities = new float[heads * n * classes];
        Softmax.Rows(scored.Logits, probabilities, classes);
        var hiddenSquares = scored.HiddenSquares;
        for (int row = 0; row < heads * n; row++)
        {
            if (!finite[row % n])
            {
                probabilities.AsSpan(row * classes, classes).Fill(1f / classes);
                hiddenSquares[row] = 0;
            }
        }

        // Ḡ's weight part met the hidden layers in one batched multiply per range of heads; the rest is a loop over [E, B, C].
        var influence = influenceBias is not null
            ? Signals.Influence(probabilities, scored.Projections, influenceBias, labels, finite, heads, classes)
            : new float[n];
        if (votes is not null)
        {
            neighbours.Blend(probabilities, votes, heads);
        }

        return (BatchSignals.Compute(probabilities, hiddenSquares, labels, heads, classes, statistics.CellWeights(), statistics.ThresholdValues(), scoringHeads), influence);
    }
}
