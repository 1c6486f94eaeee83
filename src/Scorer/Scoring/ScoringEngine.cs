using System.Buffers;
using System.Numerics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using EasyHard.Core.Configuration;
using EasyHard.Core.Contracts.V1;
using EasyHard.Scorer.Feedback;
using EasyHard.Scorer.Persistence;
using EasyHard.Scorer.Proxy;
using EasyHard.Scorer.Weighting;
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
    /// <summary>3: the ensemble's heads are stored fused ([E, in, out] per layer); 2 held one module per head.</summary>
    private const int CheckpointFormat = 3;

    /// <summary>The previous format, still read: its heads are fused on load (<see cref="ProxyEnsemble.LoadUnfused"/>).</summary>
    private const int UnfusedCheckpointFormat = 2;
    private const string CheckpointMagic = "EASYHARD-SCORER";

    /// <summary>Samples with noise below this feed the influence target reservoir.</summary>
    private const double CleanNoiseLimit = 0.5;

    /// <summary>
    /// Last-hidden activations above this count as overflow: far outside what any sane input produces, and large
    /// enough that the sample's training loss and Adam's squared gradients would overflow float32.
    /// </summary>
    private const float MaxActivation = 1e8f;

    /// <summary>Per-sample smoothing of the running prequential accuracy.</summary>
    private const double AccuracySmoothing = 0.001;

    private readonly ScorerOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly ProxyEnsemble ensemble;
    private readonly ClassStatistics statistics;
    private readonly CleanReservoir reservoir;
    private readonly WeightRenormalizer renormalizer;
    private readonly WeightPolicySet policies;
    private readonly SampleHistory history;
    private readonly FeedbackStore? feedback;
    private readonly TargetBuffer? targets;
    private readonly ReferenceModel? reference;
    private readonly Lock gate = new();

    /// <summary>The heads' ranges: the first is scored and trained on the calling thread, each other one on its <see cref="headThreads"/> entry.</summary>
    private readonly HeadRange[] headRanges;
    private readonly HeadThread[] headThreads;
    private InfluenceTarget? influenceTarget;
    private long targetVersion = -1;
    private long batches;
    private long lastCheckpointTimestamp;
    private double accuracy;

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
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        Dimension = dimension;
        Classes = classes;
        Device = ScorerDevice.Resolve(options.Device);
        bool onCpu = Device.type == DeviceType.CPU;
        if (options.HeadThreadsConflict(onCpu) is { } conflict)
        {
            // Scorer:Device auto resolves only here.
            throw new InvalidOperationException(conflict);
        }

        int headThreadCount = options.ResolvedHeadThreads(onCpu);
        int torchThreads = options.ResolvedThreads(headThreadCount);
        if (onCpu && get_num_threads() != torchThreads)
        {
            // Every op of a micro-batch of 256 is small, and each parallel region first waits for all its threads to be
            // scheduled: on two cores shared with the host side, more threads per op cost more than they save.
            set_num_threads(torchThreads);
        }

        ensemble = new ProxyEnsemble(dimension, classes, options.HiddenSizes, options.EnsembleSize, options.Optimizer, options.LearningRate, options.Seed, Device);

        // The heads train apart on threads of their own: one core multiplies for heads 0..k while another does the rest,
        // with one hand-over for the scoring pass and one for the training of a batch (heads share no weights).
        headRanges = HeadRange.Split(options.EnsembleSize, headThreadCount);
        headThreads = [.. headRanges.Skip(1).Select(range => new HeadThread($"EasyHard heads {range.Start}-{range.End - 1}", () => set_num_threads(torchThreads)))];
        statistics = new ClassStatistics(classes, options.ClassWindow, options.ThresholdDecay);
        reservoir = new CleanReservoir(options.InfluenceReservoirSize, dimension);
        renormalizer = new WeightRenormalizer(options.RenormalizationWindow);
        policies = new WeightPolicySet(options);
        history = new SampleHistory(options.SampleHistoryCapacity);
        this.feedback = feedback;
        this.targets = targets;
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

        ScorerMetrics.Initialize(Device.type.ToString().ToLowerInvariant(), classes);
        ScorerLog.ProxyStarted(this.logger, Device.ToString(), options.EnsembleSize, headRanges.Length, torchThreads, string.Join('-', options.HiddenSizes), ensemble.OptimizerName, options.LearningRate, dimension, classes);

        if (File.Exists(options.CheckpointPath))
        {
            Restore(options.CheckpointPath);
            ScorerLog.CheckpointRestored(this.logger, options.CheckpointPath, ModelVersion);
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
    public long ModelVersion { get; private set; }

    /// <summary>Samples scored so far, across restarts.</summary>
    public long SamplesSeen { get; private set; }

    /// <summary>Running prequential accuracy of the ensemble against the given labels.</summary>
    public double ProxyAccuracy => accuracy;

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
            var shares = statistics.LabelShares();
            double joint = 0, mixture = 0;
            for (int c = 0; c < Classes; c++)
            {
                joint += shares[c] * statistics.Joint.NoiseRate(c);
                mixture += shares[c] * statistics.Pi1[c];
            }

            double total = shares.Sum();
            return (joint / total, mixture / total, statistics.EstimatedNoiseRate());
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
    public string? Validate(TrainingSample? sample)
    {
        if (ValidateShape(sample) is { } reason)
        {
            return reason;
        }

        // Indexed rather than foreach: RepeatedField's enumerator costs a call per feature, 200,000 per batch.
        var features = sample!.Features;
        for (int i = 0; i < features.Count; i++)
        {
            if (!float.IsFinite(features[i]))
            {
                return "non_finite_feature";
            }
        }

        return null;
    }

    /// <summary>Every check of <see cref="Validate"/> but the features' finiteness, which <see cref="Score(IReadOnlyList{CanonicalSample}, List{ScoreDetails})"/> runs on the packed batch.</summary>
    private string? ValidateShape(TrainingSample? sample)
    {
        if (sample is null)
        {
            return "missing_sample";
        }

        if (string.IsNullOrEmpty(sample.Id))
        {
            return "missing_id";
        }

        if (sample.Features.Count != Dimension)
        {
            return "wrong_dimension";
        }

        return sample.Label < 0 || sample.Label >= Classes ? "label_out_of_range" : null;
    }

    /// <summary>Index of the first NaN or infinity, or −1. Vectorized: x − x is 0 for every finite x and NaN otherwise.</summary>
    internal static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        int k = 0;
        while (k < vectors.Length && Vector.EqualsAll(vectors[k] - vectors[k], Vector<float>.Zero))
        {
            k++;
        }

        for (int i = k * Vector<float>.Count; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }

        return -1;
    }

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
    public IReadOnlyList<ScoredSample> Score(IReadOnlyList<CanonicalSample> samples, List<ScoreDetails>? details)
    {
        ArgumentNullException.ThrowIfNull(samples);
        for (int i = 0; i < samples.Count; i++)
        {
            if (ValidateShape(samples[i]?.Sample) is { } reason)
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
                var batch = Pack(samples, start, Math.Min(size, samples.Count - start));
                packed.Add(batch);
                if (FirstNonFinite(batch.Features) is var at and >= 0)
                {
                    throw new ArgumentException($"Sample {start + (at / Dimension)} cannot be scored: non_finite_feature.", nameof(samples));
                }
            }

            lock (gate)
            {
                for (int b = 0; b < packed.Count; b++)
                {
                    ScoreBatch(samples, b * size, packed[b].Features, packed[b].Labels, results, details);
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
            var (features, _) = Pack(samples, 0, samples.Count);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = HostTensor.Copy(features, samples.Count, Dimension).to(Device);
            ArrayPool<float>.Shared.Return(features.Array!);
            var (probabilities, _) = ensemble.Forward(x);
            return probabilities.mean([0]).cpu().data<float>().ToArray();
        }
    }

    private void ScoreBatch(IReadOnlyList<CanonicalSample> samples, int start, ArraySegment<float> features, long[] labels, List<ScoredSample> results, List<ScoreDetails>? details)
    {
        int n = labels.Length;
        var ids = new string[n];
        for (int i = 0; i < n; i++)
        {
            ids[i] = samples[start + i].Sample.Id;
        }

        float[] referenceLoss;
        bool[] finite;
        var skippedSteps = new int[headRanges.Length];

        // The head threads' tensors live in scopes of their own (TorchSharp's scopes are per thread), from their
        // scoring pass to the end of their training.
        var headScopes = new DisposeScope?[headRanges.Length];
        using (var scope = NewDisposeScope())
        {
            try
            {
                var x = HostTensor.Copy(features, n, Dimension).to(Device);
                var target = CurrentInfluenceTarget();

                // Each range of heads runs its part of the scoring pass; the pass keeps every layer's input, so the first
                // training minibatch trains on its rows of it (same parameters, same inputs) without a forward pass of
                // its own. What follows the pass runs on the host over the ranges' logits, hidden-layer norms and
                // influence projections, written side by side into these arrays (in place on the CPU, one copy each from
                // a GPU): per sample they are a few hundred numbers, and as tensor expressions every step was a kernel
                // launch of its own (libtorch's softmax alone took 40 µs on a [3, 64, 10] tensor).
                int heads = ensemble.EnsembleSize;
                var scored = new HeadScores(new float[heads * n * Classes], new float[heads * n], new bool[heads * n], target is null ? null : new float[heads * n * Classes]);
                var passes = new ForwardPass[headRanges.Length];
                OnHeadThreads(r =>
                {
                    headScopes[r] = NewDisposeScope();
                    passes[r] = ScoreHeads(headRanges[r], x, target, scored);
                });
                passes[0] = ScoreHeads(headRanges[0], x, target, scored);
                JoinHeadThreads();

                finite = new bool[n];
                Array.Fill(finite, true);
                for (int row = 0; row < heads * n; row++)
                {
                    // Non-finite safety: features that pass ingest (finite floats) can still overflow the activations
                    // (e.g. ±1e38). Such rows are neutralised before any batched statistic sees them, left out of the
                    // train step and of every running statistic, and emitted with the treatment in ScoredFrom.
                    finite[row % n] &= scored.RowFinite[row];
                }

                if (reference is not null)
                {
                    referenceLoss = ToArray(reference.Loss(x, tensor(labels).to(Device)));
                    for (int i = 0; i < n; i++)
                    {
                        finite[i] &= float.IsFinite(referenceLoss[i]);
                        referenceLoss[i] = finite[i] ? referenceLoss[i] : 0;
                    }
                }
                else
                {
                    referenceLoss = [];
                }

                bool allFinite = Array.TrueForAll(finite, f => f);

                // Prequential: train only after the batch has been scored by the previous model. The records carry the
                // version the training leaves, which is known before it runs (skipped non-finite steps count too).
                var bootstrap = BootstrapWeights(n);
                var rows = allFinite ? null : Enumerable.Range(0, n).Where(i => finite[i]).ToArray();
                var trainX = rows is null ? x : x.index_select(0, tensor(Array.ConvertAll(rows, i => (long)i)).to(Device));
                int trainable = rows?.Length ?? n;
                ModelVersion += (trainable + options.TrainMinibatchSize - 1) / options.TrainMinibatchSize;
                batches++;

                // The host-side rest of the batch (signals, history, class statistics, weights, records, metrics) shares no
                // state with the proxy's training, so it runs beside it: on the last head thread once that thread's heads
                // have trained (which has the fewest heads), else on a pool thread. Either way the training's multiplies
                // do not wait for it, and two threads do not take turns on one core. The records are the same as in sequence.
                var batch = new BatchScores(scored, target?.Bias, ids, labels, features, finite, referenceLoss);
                int last = headRanges.Length - 1;
                var emitted = last == 0 ? Task.Run(() => Emit(batch, samples, start, results, details)) : Task.CompletedTask;
                try
                {
                    OnHeadThreads(r =>
                    {
                        using var headScope = headScopes[r];
                        headScopes[r] = null;
                        skippedSteps[r] = TrainInMinibatches(headRanges[r], passes[r], trainX, labels, bootstrap, rows);
                        if (r == last)
                        {
                            Emit(batch, samples, start, results, details);
                        }
                    });
                    skippedSteps[0] = TrainInMinibatches(headRanges[0], passes[0], trainX, labels, bootstrap, rows);
                }
                finally
                {
                    JoinHeadThreads();
                    emitted.GetAwaiter().GetResult();
                }
            }
            finally
            {
                ReleaseHeadScopes(headScopes);
            }
        }

        // A step skipped by any range of heads counts once.
        ScorerMetrics.NonFiniteTrainSteps.Inc(skippedSteps.Max());
        ScorerMetrics.DeviceMemory.Set(ensemble.TensorBytes() + (reference?.Ensemble.TensorBytes() ?? 0));
    }

    /// <summary>
    /// The scoring pass of <paramref name="heads"/> on the batch <paramref name="x"/>, with its rows of the host
    /// arrays filled: logits, hidden-layer norms, whether the row is finite (activations within
    /// <see cref="MaxActivation"/>, a softmax defined), and the influence projections h·Ḡ_{:, :H}ᵀ when there is a target. Runs on the range's own thread.
    /// </summary>
    private ForwardPass ScoreHeads(HeadRange heads, Tensor x, InfluenceTarget? target, HeadScores scored)
    {
        var pass = ensemble.Pass(x, heads);
        int n = (int)x.shape[0], first = heads.Start * n, count = heads.Count * n;
        var logits = scored.Logits.AsSpan(first * Classes, count * Classes);
        HostTensor.Read(pass.Logits).CopyTo(logits);
        var hidden = HostTensor.Read(pass.Hidden);
        int width = hidden.Length / count;
        for (int row = 0; row < count; row++)
        {
            scored.HiddenSquares[first + row] = SumOfSquares(hidden.Slice(row * width, width), MaxActivation, out var withinBound);
            scored.RowFinite[first + row] = withinBound && Softmax.IsDefined(logits.Slice(row * Classes, Classes));
        }

        if (target is not null)
        {
            HostTensor.Read(pass.Hidden.bmm(target.WeightsOf(heads))).CopyTo(scored.Projections.AsSpan(first * Classes, count * Classes));
        }

        return pass;
    }

    /// <summary>Posts <paramref name="work"/>(r) to the thread of every head range r ≥ 1.</summary>
    private void OnHeadThreads(Action<int> work)
    {
        for (int r = 1; r < headRanges.Length; r++)
        {
            int range = r;
            headThreads[r - 1].Post(() => work(range));
        }
    }

    /// <summary>Waits for every head thread's item, then rethrows the first failure among them.</summary>
    private void JoinHeadThreads()
    {
        ExceptionDispatchInfo? first = null;
        foreach (var thread in headThreads)
        {
            try
            {
                thread.Wait();
            }
            catch (Exception ex) when (first is null)
            {
                first = ExceptionDispatchInfo.Capture(ex);
            }
        }

        first?.Throw();
    }

    /// <summary>
    /// A batch that failed before its training left tensors in the head threads' scopes: they are released there (the
    /// scopes are per thread), after whatever those threads were still running.
    /// </summary>
    private void ReleaseHeadScopes(DisposeScope?[] scopes)
    {
        try
        {
            JoinHeadThreads();
        }
        finally
        {
            if (scopes.Any(s => s is not null))
            {
                OnHeadThreads(r =>
                {
                    scopes[r]?.Dispose();
                    scopes[r] = null;
                });
                JoinHeadThreads();
            }
        }
    }

    /// <summary>
    /// The per-sample signals and influence of a scored batch, from the heads' logits, hidden-layer norms and influence
    /// projections (<paramref name="influenceBias"/> is Ḡ's bias column, null without an influence target). Rows not
    /// <paramref name="finite"/> count as a uniform prediction with no hidden activation.
    /// </summary>
    private (BatchSignals Signals, float[] Influence) Summarize(HeadScores scored, float[]? influenceBias, long[] labels, bool[] finite)
    {
        int heads = ensemble.EnsembleSize, n = labels.Length;
        var probabilities = new float[heads * n * Classes];
        Softmax.Rows(scored.Logits, probabilities, Classes);
        var hiddenSquares = scored.HiddenSquares;
        for (int row = 0; row < heads * n; row++)
        {
            if (!finite[row % n])
            {
                probabilities.AsSpan(row * Classes, Classes).Fill(1f / Classes);
                hiddenSquares[row] = 0;
            }
        }

        // Ḡ's weight part met the hidden layers in one batched multiply per range of heads; the rest is a loop over [E, B, C].
        var influence = influenceBias is not null
            ? Signals.Influence(probabilities, scored.Projections, influenceBias, labels, finite, heads, Classes)
            : new float[n];
        return (BatchSignals.Compute(probabilities, hiddenSquares, labels, heads, Classes, statistics.CellWeights(), statistics.ThresholdValues()), influence);
    }

    /// <summary>
    /// Everything after the scores of a batch that the proxy's training does not touch: the per-id history, the
    /// calibrated noise and buckets, the class statistics, the influence reservoir, the weights, the records and their
    /// metrics.
    /// </summary>
    private void Emit(BatchScores batch, IReadOnlyList<CanonicalSample> samples, int start, List<ScoredSample> results, List<ScoreDetails>? details)
    {
        var (heads, influenceBias, ids, labels, features, finite, referenceLoss) = batch;
        int n = labels.Length;
        var (signals, influence) = Summarize(heads, influenceBias, labels, finite);
        var (loss, selfConfidence, margin, el2n, disagreement) = (signals.Loss, signals.SelfConfidence, signals.Margin, signals.El2n, signals.Disagreement);
        var (gradNorm, difficulty, rawLogOdds, logMargin) = (signals.GradNorm, signals.Difficulty, signals.RawLogOdds, signals.LogMargin);
        var (predicted, assigned) = (signals.Predicted, signals.Assigned);

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

        statistics.Update(new BatchView(labelInts, selfConfidence, difficulty, noiseLogOdds, noise, assigned, finite), warm: SamplesSeen + n > options.WarmupSamples);
        var random = new Random(unchecked((options.Seed * 1_000_003) + (int)ModelVersion));
        var warming = new bool[n];
        var active = new List<int>(n);
        int correct = 0, nonFinite = 0;
        for (int i = 0; i < n; i++)
        {
            warming[i] = SamplesSeen + i < options.WarmupSamples;
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
                reservoir.Offer(features.AsSpan(i * Dimension, Dimension), labels[i], random);
            }

            if (predicted[i] == labels[i])
            {
                correct++;
            }
        }

        var policyLoss = policies.ReducibleLoss && reference is not null
            ? loss.Select((l, i) => l - referenceLoss[i]).ToArray()
            : (float[])loss.Clone();
        int feedbackApplied = feedback?.Apply(ids, policyLoss) ?? 0;
        var weights = ComputeWeights(active, labelInts, policyLoss, noise, difficulty, influence);
        SamplesSeen += n;
        if (n > nonFinite)
        {
            double alpha = 1 - Math.Pow(1 - AccuracySmoothing, n - nonFinite);
            accuracy += alpha * (((double)correct / (n - nonFinite)) - accuracy);
        }

        long now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        int warmingCount = 0, quarantinedCount = 0;
        for (int i = 0; i < n; i++)
        {
            var canonical = samples[start + i];
            ScoredSample scored;
            if (finite[i])
            {
                bool quarantined = !warming[i] && noise[i] >= options.QuarantineThreshold;
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
                    },
                    Weight = (float)weights[i],
                    Bucket = warming[i] ? Bucket.Unspecified : (Bucket)bucket[i],
                    ModelVersion = ModelVersion,
                    Warming = warming[i],
                    Quarantined = quarantined,
                    ScoredAtUnixMs = now,
                };
                ScorerMetrics.Difficulty.Observe(difficulty[i]);
                ScorerMetrics.Noise.Observe(noise[i]);
                ScorerMetrics.Weight.Observe(weights[i]);
                ScorerMetrics.ObserveWeightByTruth(canonical.Sample, weights[i]);
            }
            else
            {
                quarantinedCount++;
                scored = NonFiniteScored(canonical, now);
            }

            results.Add(scored);
            details?.Add(new ScoreDetails(
                reference is not null && finite[i] ? loss[i] - referenceLoss[i] : null,
                records[i],
                !finite[i],
                logMargin[i]));
            if (reference is not null && finite[i])
            {
                ScorerMetrics.ReducibleLoss.Observe(loss[i] - referenceLoss[i]);
            }
        }

        for (int c = 0; c < Classes && c < ScorerMetrics.MaxClassLabels; c++)
        {
            ScorerMetrics.ClassNoise(c).Set(statistics.NoiseRate[c]);
        }

        ScorerMetrics.SamplesScored.Inc(n);
        ScorerMetrics.SamplesWarming.Inc(warmingCount);
        ScorerMetrics.SamplesQuarantined.Inc(quarantinedCount);
        ScorerMetrics.NonFiniteSamples.Inc(nonFinite);
        ScorerMetrics.FeedbackLossesUsed.Inc(feedbackApplied);
        ScorerMetrics.HistoryIds.Set(history.Count);
        ScorerMetrics.HistoryEvictions.IncTo(history.Evictions);
        ScorerMetrics.ProxyAccuracy.Set(accuracy);
        ScorerMetrics.ModelVersion.Set(ModelVersion);
    }


    /// <summary>
    /// Training steps of heads <paramref name="heads"/> on minibatches of <c>Scorer:TrainMinibatchSize</c>, each with
    /// its own forward pass under the parameters the previous step left; head e weighs sample i by
    /// <paramref name="bootstrap"/>[e·n + i]. <paramref name="x"/> holds the trainable rows: all of the batch, or the
    /// <paramref name="rows"/> whose outputs were finite. Returns the number of steps skipped for a non-finite loss.
    /// </summary>
    private int TrainInMinibatches(HeadRange heads, ForwardPass scoringPass, Tensor x, long[] labels, float[] bootstrap, int[]? rows)
    {
        int n = labels.Length, trainable = rows?.Length ?? n;
        int size = options.TrainMinibatchSize, skipped = 0;
        for (int offset = 0; offset < trainable; offset += size)
        {
            var length = Math.Min(size, trainable - offset);
            var minibatchLabels = new long[length];
            var minibatchWeights = new float[heads.Count * length];
            for (int k = 0; k < length; k++)
            {
                int i = rows?[offset + k] ?? offset + k;
                minibatchLabels[k] = labels[i];
                for (int e = 0; e < heads.Count; e++)
                {
                    minibatchWeights[(e * length) + k] = bootstrap[((heads.Start + e) * n) + i];
                }
            }

            // The first minibatch meets the parameters that scored the batch: its rows of the scoring pass are its
            // forward pass (all of it when one minibatch covers the batch). The later ones follow a step and need their own.
            var minibatchPass = offset == 0 && rows is null ? scoringPass.Rows(0, length) : ensemble.Pass(x.narrow(0, offset, length), heads);
            var value = ensemble.TrainOn(minibatchPass, minibatchLabels, minibatchWeights, heads);
            skipped += float.IsFinite(value) ? 0 : 1;
        }

        return skipped;
    }

    /// <summary>
    /// A sample whose outputs are not finite carries no evidence about its label, and the proxy must not train on it.
    /// It is emitted with finite sentinel scores (loss −log 1e−7, self-confidence 0, difficulty 1, noise 0,
    /// predicted label −1), bucket hard, weight 0 and quarantined, so trainers never receive it on the weighted
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
        },
        Weight = 0,
        Bucket = Bucket.Hard,
        ModelVersion = ModelVersion,
        Warming = SamplesSeen < options.WarmupSamples,
        Quarantined = true,
        ScoredAtUnixMs = now,
    };

    /// <summary>Weights of the batch: 1 for warming samples, the policy product renormalized for the active ones.</summary>
    private double[] ComputeWeights(List<int> active, int[] labels, float[] policyLoss, float[] noise, float[] difficulty, float[] influence)
    {
        var weights = new double[labels.Length];
        Array.Fill(weights, 1.0);
        if (active.Count == 0)
        {
            return weights;
        }

        double total = statistics.ConfidenceWeight.Sum();
        var inputs = new PolicyInputs(
            [.. active.Select(i => noise[i])],
            [.. active.Select(i => policyLoss[i])],
            [.. active.Select(i => difficulty[i])],
            [.. active.Select(i => influence[i])],
            [.. active.Select(i => total > 0 ? statistics.ConfidenceWeight[labels[i]] / total * Classes : 1.0)],
            Math.Max(0, SamplesSeen - options.WarmupSamples),
            SamplesSeen >= (long)options.WarmupSamples + options.LossPolicyBurnInSamples);
        var activeWeights = new double[active.Count];
        policies.Combine(inputs, activeWeights);
        renormalizer.Renormalize(activeWeights);
        for (int k = 0; k < active.Count; k++)
        {
            weights[active[k]] = activeWeights[k];
        }

        return weights;
    }

    /// <summary>
    /// Ḡ [E, C, H+1], the mean last-layer gradient of the influence target set under the current model: the targets
    /// topic's samples when any arrived, else the reservoir of recent clean samples. Recomputed every
    /// <c>Scorer:InfluenceRefreshBatches</c> batches or when new targets arrived; null while there is no target.
    /// </summary>
    private InfluenceTarget? CurrentInfluenceTarget()
    {
        bool useTargets = targets is { Count: > 0 };
        if (!useTargets && reservoir.Size == 0)
        {
            return null;
        }

        long version = useTargets ? targets!.Version : -1;
        if (influenceTarget is not null && batches % options.InfluenceRefreshBatches != 0 && version == targetVersion)
        {
            return influenceTarget;
        }

        var (targetFeatures, targetLabels) = useTargets
            ? targets!.Snapshot()
            : (reservoir.Features.AsMemory(0, reservoir.Size * Dimension), reservoir.Labels.AsSpan(0, reservoir.Size).ToArray());
        using (var scope = NewDisposeScope())
        {
            var targetPass = ensemble.Pass(HostTensor.Copy(targetFeatures.Span, targetLabels.Length, Dimension).to(Device));
            var targetProbabilities = new float[targetPass.Logits.NumberOfElements];
            Softmax.Rows(HostTensor.Read(targetPass.Logits), targetProbabilities, Classes);
            var gradient = Signals.MeanLastLayerGradient(targetProbabilities, HostTensor.Read(targetPass.Hidden), targetLabels,
                ensemble.EnsembleSize, Classes);
            influenceTarget?.Dispose();
            influenceTarget = InfluenceTarget.From(gradient, ensemble.EnsembleSize, Classes, Device);
        }

        targetVersion = version;
        return influenceTarget;
    }

    /// <summary>
    /// Σ h² over <paramref name="values"/>, in vector lanes, and whether every |h| is at most <paramref name="bound"/>
    /// (false when any h is NaN: NaN compares false, and the sum of squares keeps it).
    /// </summary>
    private static float SumOfSquares(ReadOnlySpan<float> values, float bound, out bool withinBound)
    {
        var squares = Vector<float>.Zero;
        var magnitudes = Vector<float>.Zero;
        int k = 0;
        for (; k + Vector<float>.Count <= values.Length; k += Vector<float>.Count)
        {
            var v = new Vector<float>(values[k..]);
            squares += v * v;
            magnitudes = Vector.Max(magnitudes, Vector.Abs(v));
        }

        float sum = Vector.Sum(squares);
        withinBound = Vector.LessThanOrEqualAll(magnitudes, new Vector<float>(bound));
        for (; k < values.Length; k++)
        {
            sum += values[k] * values[k];
            withinBound &= Math.Abs(values[k]) <= bound;
        }

        withinBound &= !float.IsNaN(sum);
        return sum;
    }

    /// <summary>
    /// [E, B] per-sample weights of each head's bootstrap view: Poisson(λ) counts (online bagging, Oza &amp; Russell
    /// 2001), seeded from (seed, model version, head) so a restored engine draws the same views.
    /// </summary>
    private float[] BootstrapWeights(int n)
    {
        int heads = ensemble.EnsembleSize;
        var weights = new float[heads * n];
        double rate = options.BootstrapRate;
        if (rate <= 0 || heads == 1)
        {
            Array.Fill(weights, 1f);
        }
        else
        {
            var random = new Random(unchecked((options.Seed * 7919) + ((int)ModelVersion * 31) + 17));
            double limit = Math.Exp(-rate);
            for (int k = 0; k < weights.Length; k++)
            {
                // Knuth's Poisson sampler: fine for λ of order 1.
                int count = -1;
                double product = 1;
                do
                {
                    count++;
                    product *= random.NextDouble();
                }
                while (product > limit);
                weights[k] = count;
            }
        }

        return weights;
    }

    /// <summary>
    /// The samples' features in one row-major block and their labels. The block is rented: a batch of features is
    /// 800 KB, and a fresh array that size per batch lands on the large-object heap, whose collections are full ones.
    /// Return it to <see cref="ArrayPool{T}.Shared"/> when the batch is done.
    /// </summary>
    private (ArraySegment<float> Features, long[] Labels) Pack(IReadOnlyList<CanonicalSample> samples, int start, int n)
    {
        var features = new ArraySegment<float>(ArrayPool<float>.Shared.Rent(n * Dimension), 0, n * Dimension);
        var labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            var sample = samples[start + i].Sample;
            sample.Features.CopyTo(features.Array!, i * Dimension);
            labels[i] = sample.Label;
        }

        return (features, labels);
    }

    private static float[] ToArray(Tensor t) => t.to_type(ScalarType.Float32).cpu().data<float>().ToArray();

    private void SaveCheckpointCore()
    {
        CheckpointIo.WriteAtomically(options.CheckpointPath, writer =>
        {
            WriteHeader(writer);
            writer.Write(ModelVersion);
            writer.Write(SamplesSeen);
            writer.Write(accuracy);
            writer.Write(batches);
            statistics.Write(writer);
            reservoir.Write(writer);
            renormalizer.Write(writer);
            history.Write(writer);
            ensemble.Save(writer);
        });
        lastCheckpointTimestamp = timeProvider.GetTimestamp();
        ScorerMetrics.CheckpointSaves.Inc();
        ScorerLog.CheckpointSaved(logger, options.CheckpointPath, ModelVersion);
    }

    private void Restore(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        string expected = Describe();
        string found;
        int format;
        try
        {
            if (reader.ReadString() != CheckpointMagic)
            {
                throw new InvalidOperationException($"Scorer checkpoint {path} is not a format-{CheckpointFormat} EasyHard scorer checkpoint; delete it or set Scorer:CheckpointPath.");
            }

            format = reader.ReadInt32();
            if (format != CheckpointFormat && format != UnfusedCheckpointFormat)
            {
                throw new InvalidOperationException(
                    $"Scorer checkpoint {path} is format {format}, this scorer reads formats {UnfusedCheckpointFormat} and {CheckpointFormat}; delete it or set Scorer:CheckpointPath, and the proxy learns again from the stream.");
            }

            found = reader.ReadString();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidOperationException($"Scorer checkpoint {path} is truncated; delete it or set Scorer:CheckpointPath.", e);
        }

        if (found != expected)
        {
            throw new InvalidOperationException(
                $"Scorer checkpoint {path} was written for '{found}' but this scorer is '{expected}'. Delete the checkpoint or restore the matching Schema/Scorer options.");
        }

        ModelVersion = reader.ReadInt64();
        SamplesSeen = reader.ReadInt64();
        accuracy = reader.ReadDouble();
        batches = reader.ReadInt64();
        statistics.Read(reader);
        reservoir.Read(reader);
        renormalizer.Read(reader);
        history.Read(reader);
        if (format == CheckpointFormat)
        {
            ensemble.Load(reader);
            return;
        }

        // Format 2 differs only in the ensemble's layout: everything before it is read as format 3 reads it.
        bool optimizerCarried = ensemble.LoadUnfused(reader);
        ScorerLog.CheckpointUpgraded(logger, path, format, CheckpointFormat, optimizerCarried);
    }

    private void WriteHeader(BinaryWriter writer)
    {
        writer.Write(CheckpointMagic);
        writer.Write(CheckpointFormat);
        writer.Write(Describe());
    }

    /// <summary>Everything that must match for a checkpoint's arrays and tensors to fit this engine.</summary>
    private string Describe() => FormattableString.Invariant(
        $"dimension={Dimension} classes={Classes} hidden={string.Join('-', options.HiddenSizes)} heads={options.EnsembleSize} optimizer={ensemble.OptimizerName} classWindow={options.ClassWindow} reservoir={options.InfluenceReservoirSize} renormalizationWindow={options.RenormalizationWindow}");

    public void Dispose()
    {
        foreach (var thread in headThreads)
        {
            thread.Dispose();
        }

        influenceTarget?.Dispose();
        reference?.Dispose();
        ensemble.Dispose();
    }
}

