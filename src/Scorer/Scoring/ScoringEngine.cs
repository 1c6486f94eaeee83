using System.Buffers;
using EasyHard.Core.Configuration;
using EasyHard.Core.Contracts.V1;
using EasyHard.Scorer.Feedback;
using EasyHard.Scorer.Proxy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The scorer's functional core, free of Kafka: scores canonical samples prequentially with the proxy ensemble
/// (each micro-batch is scored by the model as it was before training on that batch, so every score is
/// out-of-sample), attaches noise, bucket, influence and weight, then takes one training step on the batch.
/// Used by <see cref="ScorerBatchProcessor"/>, <c>easyhard replay</c> and the benchmarks. Meant for one calling
/// thread (calls are serialized, so a host may save at stop); within a batch the engine runs ranges of the ensemble's
/// heads on threads of its own (<see cref="ScorerOptions.HeadThreads"/>).
/// </summary>
public sealed class ScoringEngine : IDisposable
{
    private readonly ScorerOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ProxyEnsemble ensemble;
    private readonly ClassStatistics statistics;
    private readonly SampleHistory history;
    private readonly FoldAssignment folds;
    private readonly RehearsalBuffer rehearsal;
    private readonly BatchTraining batchTraining;

    private readonly DelayQueue delayed;

    /// <summary>The rehearsal ratio of the current <see cref="Score(IReadOnlyList{CanonicalSample}, List{ScoreDetails}?, bool)"/> call.</summary>
    private double rehearsalRatio;
    private readonly ReferenceModel? reference;
    private readonly Lock gate = new();
    private readonly SampleValidator validator;
    private readonly HeadScheduler heads;
    private readonly HeadTraining training;
    private readonly InfluenceTargetCache influenceTargets;
    private readonly BatchAssessor assessor;
    private readonly ScoredRecordBuilder records;
    private readonly EngineCheckpoint checkpoint;
    private readonly ScoringProgress progress = new();
    private long lastCheckpointTimestamp;

    /// <summary>Host constructor: dimension and classes come from the <c>Schema</c> section.</summary>
    public ScoringEngine(IOptions<ScorerOptions> options, IOptions<SampleSchemaOptions> schema, TimeProvider timeProvider, ILogger<ScoringEngine> logger, FeedbackStore feedback, TargetBuffer targets)
        : this(options.Value, schema.Value.Dimension, schema.Value.Classes, timeProvider, logger, feedback, targets)
    {
    }

    /// <summary>
    /// Direct constructor (replay, benchmarks, tests). Restores <see cref="ScorerOptions.CheckpointPath"/> when the
    /// file exists; throws <see cref="InvalidOperationException"/> if it was written for another shape. Trainer losses
    /// (<paramref name="feedback"/>) and the influence target set (<paramref name="targets"/>) are optional.
    /// </summary>
    public ScoringEngine(ScorerOptions options, int dimension, int classes, TimeProvider? timeProvider = null, ILogger<ScoringEngine>? logger = null, FeedbackStore? feedback = null, TargetBuffer? targets = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        Dimension = dimension;
        Classes = classes;
        Device = ScorerDevice.Resolve(options.Device);
        var (headThreadCount, torchThreads) = HeadScheduler.ResolveThreads(options, onCpu: Device.type == DeviceType.CPU);
        ensemble = new ProxyEnsemble(dimension, classes, options.HiddenSizes, options.EnsembleSize, options.Optimizer, options.LearningRate, options.Seed, Device);
        heads = new HeadScheduler(options.EnsembleSize, headThreadCount, torchThreads);
        training = new HeadTraining(ensemble, options);
        validator = new SampleValidator(dimension, classes);
        statistics = new ClassStatistics(classes, options.ClassWindow, options.ThresholdDecay);
        var reservoir = new CleanReservoir(options.InfluenceReservoirSize, dimension);
        if (options.ScoreDelaySamples > 0 && options.Folds < 2)
        {
            throw new InvalidOperationException($"Scorer:ScoreDelaySamples ({options.ScoreDelaySamples}) needs Scorer:Folds of 2 or more: a delayed sample is scored by the heads that never train on it.");
        }

        folds = new FoldAssignment(options.Folds, options.EnsembleSize);
        rehearsal = new RehearsalBuffer(options.RehearsalRatio > 0 ? options.RehearsalCapacity : 0, dimension);
        delayed = new DelayQueue(options.ScoreDelaySamples);
        batchTraining = new BatchTraining(training, rehearsal, folds, options, Device, dimension);
        var weighting = new BatchWeighting(options, statistics);
        history = new SampleHistory(options.SampleHistoryCapacity);
        influenceTargets = new InfluenceTargetCache(ensemble, reservoir, targets, options);
        if (!string.IsNullOrWhiteSpace(options.ReferenceModelPath))
        {
            reference = ReferenceModel.Load(options.ReferenceModelPath, Device);
            if (reference.Dimension != dimension || reference.Classes != classes)
            {
                var found = $"{reference.Dimension}x{reference.Classes}";
                reference.Dispose();
                throw new InvalidOperationException($"Scorer:ReferenceModelPath {options.ReferenceModelPath} was trained for dimension x classes {found}, not {dimension}x{classes}.");
            }
        }

        assessor = new BatchAssessor(options, dimension, options.EnsembleSize, statistics, history, reservoir, weighting, folds, feedback, reference is not null, progress);
        records = new ScoredRecordBuilder(options, reference is not null, progress, statistics, history, this.timeProvider);
        var log = (ILogger?)logger ?? NullLogger.Instance;
        checkpoint = new EngineCheckpoint(options, dimension, classes, progress, statistics, reservoir, weighting.Renormalizer, history, ensemble, rehearsal, log);
        ScorerMetrics.Initialize(Device.type.ToString().ToLowerInvariant(), classes);
        ScorerLog.ProxyStarted(log, Device.ToString(), options.EnsembleSize, heads.Ranges.Count, torchThreads, string.Join('-', options.HiddenSizes), ensemble.OptimizerName, options.LearningRate, dimension, classes);

        if (File.Exists(options.CheckpointPath))
        {
            checkpoint.Restore();
            ScorerLog.CheckpointRestored(log, options.CheckpointPath, ModelVersion);
        }

        lastCheckpointTimestamp = this.timeProvider.GetTimestamp();
        ScorerMetrics.ModelVersion.Set(ModelVersion);
        ScorerMetrics.DeviceMemory.Set(ensemble.TensorBytes() + (reference?.Ensemble.TensorBytes() ?? 0));
    }

    public int Dimension { get; }

    public int Classes { get; }

    /// <summary>The torch device the proxy runs on (resolved from <c>Scorer:Device</c>).</summary>
    public Device Device { get; }

    /// <summary>Training steps taken so far; monotonic across restarts (restored from the checkpoint).</summary>
    public long ModelVersion => progress.ModelVersion;

    /// <summary>Samples scored so far, across restarts.</summary>
    public long SamplesSeen => progress.SamplesSeen;

    /// <summary>Running prequential accuracy of the ensemble against the given labels.</summary>
    public double ProxyAccuracy => progress.Accuracy;

    internal ProxyEnsemble Ensemble => ensemble;

    internal ClassStatistics Statistics => statistics;

    /// <summary>
    /// The scorer's own estimates of the overall label-noise rate: from the confident joint, from the loss mixtures,
    /// and the value <c>noise</c> is calibrated to (their mean).
    /// </summary>
    public (double Joint, double Mixture, double Calibrated) NoiseRateEstimates()
    {
        lock (gate)
        {
            return statistics.NoiseRateEstimates();
        }
    }

    /// <summary>Whether a reference model is loaded (reducible loss is computed).</summary>
    public bool HasReference => reference is not null;

    /// <summary>What the scorer remembers about <paramref name="id"/> from its earlier exposures.</summary>
    public bool TryGetHistory(string id, out SampleRecord record)
    {
        lock (gate)
        {
            return history.TryGet(id, out record);
        }
    }

    /// <summary>Ids currently held in the per-id history.</summary>
    public int HistoryCount
    {
        get
        {
            lock (gate)
            {
                return history.Count;
            }
        }
    }

    /// <summary>Reason code when the sample cannot be scored by this engine, else null.</summary>
    public string? Validate(TrainingSample? sample) => validator.Validate(sample);

    /// <inheritdoc cref="SampleValidator.FirstNonFinite"/>
    internal static int FirstNonFinite(ReadOnlySpan<float> values) => SampleValidator.FirstNonFinite(values);

    /// <summary>
    /// Scores the samples in arrival order, in micro-batches of <c>Scorer:Batching:MaxBatchSize</c>, training after
    /// each batch. Every sample must pass <see cref="Validate"/>; an invalid one throws <see cref="ArgumentException"/>.
    /// </summary>
    public IReadOnlyList<ScoredSample> Score(IReadOnlyList<CanonicalSample> samples) => Score(samples, null);

    /// <summary>
    /// As <see cref="Score(IReadOnlyList{CanonicalSample})"/>; when <paramref name="details"/> is given, it receives
    /// per sample (same order) the values that have no field in <see cref="Scores"/>: reducible loss, per-id history,
    /// non-finite flag.
    /// </summary>
    /// <param name="backlogged">
    /// The caller has more input waiting (the Kafka scorer consumed a full batch): rehearsal uses
    /// <c>Scorer:RehearsalRatioUnderLoad</c> instead of <c>Scorer:RehearsalRatio</c>, so the scorer keeps up.
    /// </param>
    public IReadOnlyList<ScoredSample> Score(IReadOnlyList<CanonicalSample> samples, List<ScoreDetails>? details, bool backlogged = false)
    {
        ArgumentNullException.ThrowIfNull(samples);
        for (int i = 0; i < samples.Count; i++)
        {
            if (validator.ValidateShape(samples[i]?.Sample) is { } reason)
            {
                throw new ArgumentException($"Sample {i} cannot be scored: {reason}.", nameof(samples));
            }
        }

        // Packed and checked before the first batch is scored, so an invalid sample changes nothing.
        int size = options.Batching.MaxBatchSize;
        var packed = new List<(ArraySegment<float> Features, long[] Labels)>((samples.Count + size - 1) / size);
        var results = new List<ScoredSample>(samples.Count);
        try
        {
            for (int start = 0; start < samples.Count; start += size)
            {
                var batch = SamplePacking.Pack(samples, start, Math.Min(size, samples.Count - start), Dimension);
                packed.Add(batch);
                if (FirstNonFinite(batch.Features) is var at and >= 0)
                {
                    throw new ArgumentException($"Sample {start + (at / Dimension)} cannot be scored: non_finite_feature.", nameof(samples));
                }
            }

            lock (gate)
            {
                rehearsalRatio = backlogged ? options.RehearsalRatioUnderLoad : options.RehearsalRatio;
                for (int b = 0; b < packed.Count; b++)
                {
                    var batch = MicroBatchOf(samples, b * size, packed[b].Features, packed[b].Labels);
                    if (options.ScoreDelaySamples == 0)
                    {
                        ScoreBatch(batch, batch, results, details);
                    }
                    else
                    {
                        ScoreDelayed(batch.Detached(), results, details);
                    }
                }

                if (options.CheckpointIntervalSeconds > 0
                    && timeProvider.GetElapsedTime(lastCheckpointTimestamp).TotalSeconds >= options.CheckpointIntervalSeconds)
                {
                    SaveCheckpointCore();
                }
            }
        }
        finally
        {
            foreach (var (features, _) in packed)
            {
                ArrayPool<float>.Shared.Return(features.Array!);
            }
        }

        return results;
    }

    /// <summary>
    /// Scores every sample still held back by <c>Scorer:ScoreDelaySamples</c>, oldest first, without training: the end
    /// of a finite stream (a file, a benchmark). Empty when nothing is pending.
    /// </summary>
    public IReadOnlyList<ScoredSample> Flush()
    {
        var results = new List<ScoredSample>();
        lock (gate)
        {
            while (delayed.Next() is { } batch)
            {
                ScoreBatch(batch, null, results, null);
            }
        }

        return results;
    }

    /// <summary><c>Scorer:Batching:MaxBatchSize</c>: a Kafka batch this large means more input is waiting.</summary>
    public int MaxBatchSize => options.Batching.MaxBatchSize;

    /// <summary>Samples held back by <c>Scorer:ScoreDelaySamples</c>, not yet scored.</summary>
    public int PendingSamples => delayed.Samples;

    /// <summary>Writes the whole proxy state to <c>Scorer:CheckpointPath</c> atomically (temporary file + rename).</summary>
    public void SaveCheckpoint()
    {
        lock (gate)
        {
            SaveCheckpointCore();
        }
    }

    /// <summary>The ensemble-mean softmax [B·C] for the samples, without training or updating any state.</summary>
    internal float[] PredictMeanProbabilities(IReadOnlyList<CanonicalSample> samples)
    {
        lock (gate)
        {
            var (features, _) = SamplePacking.Pack(samples, 0, samples.Count, Dimension);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = HostTensor.Copy(features, samples.Count, Dimension).to(Device);
            ArrayPool<float>.Shared.Return(features.Array!);
            var (probabilities, _) = ensemble.Forward(x);
            return probabilities.mean([0]).cpu().data<float>().ToArray();
        }    }

    private MicroBatch MicroBatchOf(IReadOnlyList<CanonicalSample> samples, int start, ArraySegment<float> features, long[] labels)
    {
        var ids = new string[labels.Length];
        var sampleFolds = new int[labels.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = samples[start + i].Sample.Id;
            sampleFolds[i] = folds.FoldOf(ids[i]);
        }

        return new MicroBatch(samples, start, features, labels, ids, sampleFolds);
    }

    /// <summary>
    /// The lookahead of <c>Scorer:ScoreDelaySamples</c> = N: the arriving batch trains at once (cross-fitted: its fold's
    /// heads never see it) and waits; a waiting batch is scored, by its fold's heads, once the heads have trained on at
    /// least N samples after it. Out-of-fold as a K-fold prediction, and by a model that has seen N more of the stream
    /// than a prequential score would: latency traded for quality.
    /// </summary>
    private void ScoreDelayed(MicroBatch arriving, List<ScoredSample> results, List<ScoreDetails>? details)
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
    /// (<c>Scorer:ScoreDelaySamples</c> 0) they are the same batch: scored by the model before it trains on it, and the
    /// first training minibatch trains on its rows of the scoring pass. Delayed, the batch scored is an earlier one that
    /// every head but its fold's has trained on, so its fold's heads alone score it.
    /// </summary>
    private void ScoreBatch(MicroBatch? score, MicroBatch? train, List<ScoredSample> results, List<ScoreDetails>? details)
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
                    : batchTraining.Prepare(train, prequential ? finite : null, prequential ? scoredX : null, progress.ModelVersion, rehearsalRatio);
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

    private void SaveCheckpointCore()
    {
        checkpoint.Save();
        lastCheckpointTimestamp = timeProvider.GetTimestamp();
    }

    public void Dispose()
    {
        heads.Dispose();
        influenceTargets.Dispose();
        reference?.Dispose();
        ensemble.Dispose();
    }
}
