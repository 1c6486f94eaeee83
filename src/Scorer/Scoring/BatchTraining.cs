using EasyHard.Scorer.Proxy;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// What one micro-batch trains the heads on: the batch's own rows with their bootstrap views and fold masks, and the
/// samples replayed from the rehearsal buffer; then each range of heads' steps on both.
/// </summary>
internal sealed class BatchTraining(ProxyEnsemble ensemble, ClassStatistics statistics, HeadTraining training, RehearsalBuffer rehearsal, FoldAssignment folds, ScorerOptions options, Device device, int dimension)
{
    /// <summary>
    /// The replay ratio of a batch: <paramref name="regimeRatio"/> (<c>Scorer:Proxy:RehearsalRatio</c>, or its under-load
    /// value), raised to <c>Scorer:Proxy:EarlyRehearsalRatio</c> while the engine has scored fewer than
    /// <c>Scorer:Proxy:EarlyRehearsalSamples</c> samples. A young proxy is where a one-pass score loses to an offline
    /// one (the first tenth of a stream ranks mislabelled samples worst), and there the reservoir is small and extra
    /// replay cheap: a few epochs over what was seen, as experience replay does (Rolnick et al. 2019). A regime
    /// without rehearsal (under load, ratio 0) stays without it.
    /// </summary>
    internal static double RehearsalRatioAt(double regimeRatio, long samplesSeen, ProxyOptions proxy) =>
        regimeRatio > 0 && samplesSeen < proxy.EarlyRehearsalSamples ? Math.Max(regimeRatio, proxy.EarlyRehearsalRatio) : regimeRatio;

    /// <summary>
    /// The batch's rows (the finite ones of a prequential batch, whose features are on the device already as
    /// <paramref name="scoredX"/>; a delayed batch trains before it is scored, and a minibatch whose loss is not finite
    /// skips its step) and <paramref name="rehearsalRatio"/> replayed samples per trainable row, drawn before the
    /// batch's own finite samples join the buffer (so replay holds only what was scored before). Draws are seeded from
    /// (seed, model version), so a restored engine draws as an uninterrupted one would. Once
    /// <paramref name="samplesSeen"/> is past the warm-up, every sample trains by its <see cref="SelfPacedWeights"/>:
    /// a prequential batch's from its scoring pass (<paramref name="scored"/>), the others' from the heads of their folds.
    /// </summary>
    public BatchTrainingInput Prepare(MicroBatch train, BatchScores? scored, Tensor? scoredX, long modelVersion, long samplesSeen, double rehearsalRatio)
    {
        int n = train.Count;
        var finite = scored?.Finite;
        var rows = finite is null || Array.TrueForAll(finite, f => f) ? null : Enumerable.Range(0, n).Where(i => finite[i]).ToArray();
        var x = scoredX ?? HostTensor.Copy(train.Features, n, dimension).to(device);
        var trainX = rows is null ? x : x.index_select(0, tensor(Array.ConvertAll(rows, i => (long)i)).to(device));
        var bootstrap = training.BootstrapWeights(n, modelVersion, folds, train.Folds);

        var random = new Random(unchecked((options.Proxy.Seed * 104_729) + ((int)modelVersion * 7) + 3));
        int count = rehearsal.Capacity == 0 ? 0 : (int)Math.Round(RehearsalRatioAt(rehearsalRatio, samplesSeen, options.Proxy) * (rows?.Length ?? n));
        var (replayFeatures, replayLabels, replayFolds, replayWeights) = rehearsal.Sample(count, random, folds, options.Proxy.EnsembleSize);
        for (int i = 0; i < n; i++)
        {
            if (finite is null || finite[i])
            {
                rehearsal.Offer(train.Features.AsSpan(i * dimension, dimension), train.Labels[i], train.Folds[i], random);
            }
        }

        var replayX = HostTensor.Copy(replayFeatures, replayLabels.Length, dimension).to(device);
        if (options.Proxy.SelfPacedThreshold > 0 && samplesSeen >= options.Statistics.WarmupSamples)
        {
            // The statistics are those the previous batch left: this batch's host side starts after this preparation.
            var thresholds = SelfPacedWeights.Thresholds(options.Proxy.SelfPacedThreshold, statistics.RowTrust());
            SelfPacedWeights.Scale(bootstrap, scored is null
                ? SelfPacedWeights.OutOfFold(ensemble, x, train.Labels, train.Folds, folds, thresholds)
                : SelfPacedWeights.FromScoringPass(scored.Scored.Logits, train.Labels, ensemble.EnsembleSize, ensemble.Classes, thresholds));
            SelfPacedWeights.Scale(replayWeights, SelfPacedWeights.OutOfFold(ensemble, replayX, replayLabels, replayFolds, folds, thresholds));
        }

        return new BatchTrainingInput(trainX, train.Labels, bootstrap, rows, replayX, replayLabels, replayWeights);
    }

    /// <summary>Optimizer steps the input takes: its own minibatches, then the replayed ones.</summary>
    public int Steps(BatchTrainingInput input) => training.Steps(input.Count) + training.Steps(input.ReplayLabels.Length);

    /// <summary>The steps of heads <paramref name="range"/> on the input (none without one); returns the steps skipped for a non-finite loss.</summary>
    public int Train(HeadRange range, ForwardPass? scoringPass, BatchTrainingInput? input) => input is not { } t ? 0
        : training.TrainInMinibatches(range, scoringPass, t.X, t.Labels, t.Bootstrap, t.Rows)
            + training.TrainInMinibatches(range, null, t.ReplayX, t.ReplayLabels, t.ReplayWeights, null);
}

/// <summary>A batch's training input: its trainable rows and bootstrap views [E, B], and the replayed samples with their fold masks [E, m].</summary>
internal readonly record struct BatchTrainingInput(Tensor X, long[] Labels, float[] Bootstrap, int[]? Rows, Tensor ReplayX, long[] ReplayLabels, float[] ReplayWeights)
{
    public int Count => Rows?.Length ?? Labels.Length;
}
