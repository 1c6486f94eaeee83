using EasyHard.Contracts.V1;
using EasyHard.Scorer.Proxy;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// One micro-batch through the proxy: the scoring pass of every range of heads, the training step (on the batch
/// itself, its bootstrap views and replayed samples), and beside the training the host-side assessment and records of
/// what was scored. Prequential, the batch scored is the batch trained on; with the lookahead of
/// <c>Scorer:Proxy:ScoreDelaySamples</c> the batch scored is an earlier one held in <see cref="DelayQueue"/>.
/// </summary>
internal sealed class BatchPipeline(
    ProxyEnsemble ensemble,
    HeadScheduler heads,
    BatchTraining batchTraining,
    DelayQueue delayed,
    InfluenceTargetCache influenceTargets,
    ReferenceModel? reference,
    BatchAssessor assessor,
    ScoredRecordBuilder records,
    ScoringProgress progress)
{
    private int Dimension => ensemble.Dimension;

    private int Classes => ensemble.Classes;

    private Device Device => ensemble.Device;

    /// <summary>Replayed samples per new one in the batches trained now (<c>Scorer:Proxy:RehearsalRatio</c> or its under-load value).</summary>
    public double RehearsalRatio { get; set; }

    /// <summary>
    /// The lookahead of <c>Scorer:Proxy:ScoreDelaySamples</c> = N: the arriving batch trains at once (cross-fitted: its fold's
    /// heads never see it) and waits; a waiting batch is scored, by its fold's heads, once the heads have trained on at
    /// least N samples after it. Out-of-fold as a K-fold prediction, and by a model that has seen N more of the stream
    /// than a prequential score would: latency traded for quality.
    /// </summary>
    public void ScoreDelayed(MicroBatch arriving, List<ScoredSample> results, List<ScoreDetails>? details)
    {
        ScoreBatch(delayed.NextDue(), arriving, results, details);
        delayed.Hold(arriving);
        while (delayed.NextDue() is { } due)
        {
            ScoreBatch(due, null, results, details);
        }
    }

    /// <summary>
    /// Scores <paramref name="score"/> and trains on <paramref name="train"/>, either of which may be absent. Prequential
    /// (<c>Scorer:Proxy:ScoreDelaySamples</c> 0) they are the same batch: scored by the model before it trains on it, and the
    /// first training minibatch trains on its rows of the scoring pass. Delayed, the batch scored is an earlier one that
    /// every head but its fold's has trained on, so its fold's heads alone score it.
    /// </summary>
    public void ScoreBatch(MicroBatch? score, MicroBatch? train, List<ScoredSample> results, List<ScoreDetails>? details)
    {
        bool prequential = ReferenceEquals(score, train);
        var ranges = heads.Ranges;
        bool[] finite = [];
        var skippedSteps = new int[ranges.Count];

        // The head threads' tensors live in scopes of their own (TorchSharp's scopes are per thread), from their
        // scoring pass to the end of their training.
        var headScopes = new DisposeScope?[ranges.Count];
        using (var scope = NewDisposeScope())
        {
            try
            {
                var passes = new ForwardPass?[ranges.Count];
                BatchScores? batch = null;
                Tensor? scoredX = null;
                if (score is not null)
                {
                    (batch, scoredX) = ScorePass(score, passes, headScopes, foldHeadsOnly: !prequential);
                    finite = batch.Finite;
                }

                // Prequential: train only after the batch has been scored by the previous model. The records carry the
                // version the training leaves, which is known before it runs (skipped non-finite steps count too).
                BatchTrainingInput? trainable = train is null ? null
                    : batchTraining.Prepare(train, prequential ? batch : null, prequential ? scoredX : null, progress.ModelVersion, progress.SamplesSeen, RehearsalRatio);
                if (trainable is { } t)
                {
                    progress.ModelVersion += batchTraining.Steps(t);
                    delayed.TrainedOn(train!);
                }

                progress.Batches++;

                // The host-side rest of the batch (signals, history, class statistics, weights, records, metrics) shares no
                // state with the proxy's training, so it runs beside it: on the last head thread once that thread's heads
                // have trained (which has the fewest heads), else on a pool thread. Either way the training's multiplies
                // do not wait for it, and two threads do not take turns on one core. The records are the same as in sequence.
                int last = ranges.Count - 1;
                var emitted = last == 0 && batch is not null ? Task.Run(() => Emit(batch, score!, results, details)) : Task.CompletedTask;
                try
                {
                    heads.OnHeadThreads(r =>
                    {
                        using var headScope = headScopes[r] ?? NewDisposeScope();
                        headScopes[r] = null;
                        skippedSteps[r] = batchTraining.Train(ranges[r], prequential ? passes[r] : null, trainable);
                        if (r == last && batch is not null)
                        {
                            Emit(batch, score!, results, details);
                        }
                    });
                    skippedSteps[0] = batchTraining.Train(ranges[0], prequential ? passes[0] : null, trainable);
                }
                finally
                {
                    heads.JoinHeadThreads();
                    emitted.GetAwaiter().GetResult();
                }
            }
            finally
            {
                heads.ReleaseHeadScopes(headScopes);
            }
        }

        // A step skipped by any range of heads counts once.
        ScorerMetrics.NonFiniteTrainSteps.Inc(skippedSteps.Max());
        ScorerMetrics.DeviceMemory.Set(ensemble.TensorBytes() + (reference?.Ensemble.TensorBytes() ?? 0));
    }

    /// <summary>
    /// The scoring pass of <paramref name="score"/> by every range of heads (with the rows whose outputs are finite and
    /// the reference loss) and the batch's features on the device. Each range's pass keeps every layer's input (<paramref name="passes"/>), so a prequential batch's
    /// first training minibatch trains on its rows of it. What follows the pass runs on the host over the ranges' logits,
    /// hidden-layer norms and influence projections, written side by side into host arrays (in place on the CPU, one copy
    /// each from a GPU): per sample they are a few hundred numbers, and as tensor expressions every step was a kernel
    /// launch of its own (libtorch's softmax alone took 40 µs on a [3, 64, 10] tensor).
    /// </summary>
    private (BatchScores Batch, Tensor X) ScorePass(MicroBatch score, ForwardPass?[] passes, DisposeScope?[] headScopes, bool foldHeadsOnly)
    {
        var ranges = heads.Ranges;
        int n = score.Count, headCount = ensemble.EnsembleSize;
        var x = HostTensor.Copy(score.Features, n, Dimension).to(Device);
        var target = influenceTargets.Current(progress.Batches);
        var scored = new HeadScores(new float[headCount * n * Classes], new float[headCount * n], new bool[headCount * n], target is null ? null : new float[headCount * n * Classes]);
        heads.OnHeadThreads(r =>
        {
            headScopes[r] = NewDisposeScope();
            passes[r] = HeadScoringPass.Run(ensemble, ranges[r], x, target, scored);
        });
        passes[0] = HeadScoringPass.Run(ensemble, ranges[0], x, target, scored);
        heads.JoinHeadThreads();

        var finite = new bool[n];
        Array.Fill(finite, true);
        for (int row = 0; row < headCount * n; row++)
        {
            // Non-finite safety: features that pass ingest (finite floats) can still overflow the activations
            // (e.g. ±1e38). Such rows are neutralised before any batched statistic sees them, left out of the
            // train step and of every running statistic, and emitted with the treatment of ScoredRecordBuilder.
            finite[row % n] &= scored.RowFinite[row];
        }

        float[] referenceLoss = [];
        if (reference is not null)
        {
            referenceLoss = ToArray(reference.Loss(x, tensor(score.Labels).to(Device)));
            for (int i = 0; i < n; i++)
            {
                finite[i] &= float.IsFinite(referenceLoss[i]);
                referenceLoss[i] = finite[i] ? referenceLoss[i] : 0;
            }
        }

        return (new BatchScores(scored, target?.Bias, score.Ids, score.Labels, score.Folds, score.Features, finite, referenceLoss, foldHeadsOnly), x);
    }

    /// <summary>Everything after the scores of a batch that the proxy's training does not touch: its assessment, then its records and metrics.</summary>
    private void Emit(BatchScores batch, MicroBatch score, List<ScoredSample> results, List<ScoreDetails>? details) =>
        records.Build(batch, assessor.Assess(batch), score.Samples, score.Start, results, details);

    private static float[] ToArray(Tensor t) => t.to_type(ScalarType.Float32).cpu().data<float>().ToArray();
}
