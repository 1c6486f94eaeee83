using System.Buffers;
using EasyHard.Core.Configuration;
using EasyHard.Contracts.V1;
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
/// heads on threads of its own (<see cref="ScorerThreadOptions.Heads"/>).
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
    private readonly NeighbourVotes neighbours;
    private readonly BatchTraining batchTraining;

    private readonly DelayQueue delayed;

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
    private readonly BatchPipeline pipeline;
    private readonly ModelExchange exchange;
    private long lastCheckpointTimestamp;
    private readonly ImageFeatures? imageFeatures;

    /// <summary>Host constructor: dimension and classes come from the <c>Schema</c> section.</summary>
    public ScoringEngine(IOptions<ScorerOptions> options, IOptions<SampleSchemaOptions> schema, TimeProvider timeProvider, ILogger<ScoringEngine> logger, FeedbackStore feedback, TargetBuffer targets)
        : this(options.Value, schema.Value.Dimension, schema.Value.Classes, timeProvider, logger, feedback, targets,
            ImageShape.TryParse(schema.Value.ImageShape, out var image) ? image : null)
    {
    }

    /// <summary>
    /// Direct constructor (replay, benchmarks, tests). Restores <see cref="ScorerOptions.CheckpointPath"/> when the
    /// file exists; throws <see cref="InvalidOperationException"/> if it was written for another shape. Trainer losses
    /// (<paramref name="feedback"/>) and the influence target set (<paramref name="targets"/>) are optional. With an
    /// <paramref name="image"/> shape (<c>Schema:ImageShape</c>) and <c>Scorer:Proxy:ImageFilters</c> above 0 the proxy
    /// sees each sample with its random convolutional features appended (<see cref="ImageFeatures"/>).
    /// </summary>
    public ScoringEngine(ScorerOptions options, int dimension, int classes, TimeProvider? timeProvider = null, ILogger<ScoringEngine>? logger = null, FeedbackStore? feedback = null, TargetBuffer? targets = null,
        ImageShape? image = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        Dimension = dimension;
        Classes = classes;
        imageFeatures = ImageFeatures.For(options.Proxy, image, dimension);
        dimension = ModelDimension;
        Device = ScorerDevice.Resolve(options.Device);
        var (headThreadCount, torchThreads) = HeadScheduler.ResolveThreads(options, onCpu: Device.type == DeviceType.CPU);
        ensemble = new ProxyEnsemble(dimension, classes, options.Proxy.HiddenSizes, options.Proxy.EnsembleSize, Choices.Name(options.Proxy.Optimizer), options.Proxy.LearningRate, options.Proxy.Seed, Device,
            new LearningRateSchedule(options.Proxy.LearningRate, options.Proxy.LearningRateStartFactor, options.Proxy.LearningRateDecaySteps));
        heads = new HeadScheduler(options.Proxy.EnsembleSize, headThreadCount, torchThreads);
        training = new HeadTraining(ensemble, options);
        validator = new SampleValidator(Dimension, classes);
        statistics = ClassStatistics.From(classes, options.Statistics);
        var reservoir = new CleanReservoir(options.Statistics.InfluenceReservoirSize, dimension);
        if (options.LookaheadConflict() is { } lookahead)
        {
            throw new InvalidOperationException(lookahead);
        }

        folds = new FoldAssignment(options.Proxy.Folds, options.Proxy.EnsembleSize);
        rehearsal = new RehearsalBuffer(options.Proxy.RehearsalRatio > 0 ? options.Proxy.RehearsalCapacity : 0, dimension);
        delayed = new DelayQueue(options.Proxy.ScoreDelaySamples);
        batchTraining = new BatchTraining(ensemble, statistics, training, rehearsal, folds, options, Device, dimension);
        var weighting = new BatchWeighting(options, statistics);
        history = new SampleHistory(options.Statistics.SampleHistoryCapacity);
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

        neighbours = new NeighbourVotes(options.Neighbours, dimension, classes, options.Proxy.Seed, Device);
        assessor = new BatchAssessor(options, dimension, options.Proxy.EnsembleSize, statistics, history, reservoir, neighbours, weighting, folds, feedback, reference is not null, progress);
        records = new ScoredRecordBuilder(options, reference is not null, progress, statistics, history, this.timeProvider);
        var log = (ILogger?)logger ?? NullLogger.Instance;
        pipeline = new BatchPipeline(ensemble, heads, batchTraining, delayed, influenceTargets, reference, assessor, records, progress);
        exchange = new ModelExchange(ensemble, statistics, progress, options);
        checkpoint = new EngineCheckpoint(options, dimension, classes, progress, statistics, reservoir, weighting.Renormalizer, history, ensemble, rehearsal, neighbours, log);
        ScorerMetrics.Initialize(Device.type.ToString().ToLowerInvariant(), classes);
        ScorerLog.ProxyStarted(log, Device.ToString(), options.Proxy.EnsembleSize, heads.Ranges.Count, torchThreads, string.Join('-', options.Proxy.HiddenSizes), ensemble.OptimizerName, options.Proxy.LearningRate, dimension, classes);

        if (File.Exists(options.CheckpointPath))
        {
            checkpoint.Restore();
            ScorerLog.CheckpointRestored(log, options.CheckpointPath, ModelVersion);
        }

        lastCheckpointTimestamp = this.timeProvider.GetTimestamp();
        ScorerMetrics.ModelVersion.Set(ModelVersion);
        ScorerMetrics.DeviceMemory.Set(ensemble.TensorBytes() + (reference?.Ensemble.TensorBytes() ?? 0));
    }

    /// <summary>Features per sample as it arrives.</summary>
    public int Dimension { get; }

    /// <summary>Features per sample as the proxy sees it: <see cref="Dimension"/>, plus the image features where they are on.</summary>
    public int ModelDimension => imageFeatures?.Dimension ?? Dimension;

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

    internal NeighbourVotes Neighbours => neighbours;

    /// <summary>
    /// The scorer's own estimates of the overall label-noise rate: from the confident joint, from the loss mixtures,
    /// from the disagreement among its most confident predictions, and the value <c>noise</c> is calibrated to.
    /// </summary>
    public NoiseRateEstimates NoiseRateEstimates()
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

    /// <summary>
    /// Each id's history record (null when it holds none), marking the id as belonging to its input partition, so that
    /// <see cref="DropHistory"/> forgets it with the partition: what the Kafka scorer writes to its changelog.
    /// </summary>
    public SampleRecord?[] ClaimHistory(IReadOnlyList<string> ids, IReadOnlyList<int> partitions)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(partitions);
        var records = new SampleRecord?[ids.Count];
        lock (gate)
        {
            for (int i = 0; i < ids.Count; i++)
            {
                records[i] = history.Claim(ids[i], partitions[i], out var record) ? record : null;
            }
        }

        return records;
    }

    /// <summary>Forgets the history of the ids of <paramref name="partitions"/> (they moved to another instance); returns how many.</summary>
    public int DropHistory(IReadOnlySet<int> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        lock (gate)
        {
            return history.DropPartitions(partitions.Contains);
        }
    }

    /// <summary>
    /// Replaces the history of <paramref name="partitions"/> by <paramref name="records"/> (read from their changelog).
    /// When the changelog had records, the ids of no known partition (read from a checkpoint) go too, the changelog
    /// being the newer source; an empty changelog (a new cluster, the embedded one after a restart) leaves them.
    /// </summary>
    public void RestoreHistory(IReadOnlySet<int> partitions, IReadOnlyCollection<(string Id, SampleRecord Record, int Partition)> records)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(records);
        lock (gate)
        {
            bool changelogKnows = records.Count > 0;
            history.DropPartitions(p => (changelogKnows && p == SampleHistory.NoPartition) || partitions.Contains(p));
            foreach (var (id, record, partition) in records)
            {
                history.Put(id, record, partition);
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
    /// <c>Scorer:Proxy:RehearsalRatioUnderLoad</c> instead of <c>Scorer:Proxy:RehearsalRatio</c> and the neighbour vote
    /// searches <c>Scorer:Neighbours:CapacityUnderLoad</c> samples instead of its whole reservoir, so the scorer keeps up.
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
                if (FirstNonFinite(batch.Features) is var at and >= 0)
                {
                    ArrayPool<float>.Shared.Return(batch.Features.Array!);
                    throw new ArgumentException($"Sample {start + (at / Dimension)} cannot be scored: non_finite_feature.", nameof(samples));
                }

                packed.Add((Lifted(batch.Features, batch.Labels.Length), batch.Labels));
            }

            lock (gate)
            {
                pipeline.RehearsalRatio = backlogged ? options.Proxy.RehearsalRatioUnderLoad : options.Proxy.RehearsalRatio;
                neighbours.Searched = backlogged ? options.Neighbours.CapacityUnderLoad : options.Neighbours.Capacity;
                for (int b = 0; b < packed.Count; b++)
                {
                    var batch = MicroBatchOf(samples, b * size, packed[b].Features, packed[b].Labels);
                    if (options.Proxy.ScoreDelaySamples == 0)
                    {
                        pipeline.ScoreBatch(batch, batch, results, details);
                    }
                    else
                    {
                        pipeline.ScoreDelayed(batch.Detached(), results, details);
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
    /// Scores every sample still held back by <c>Scorer:Proxy:ScoreDelaySamples</c>, oldest first, without training: the end
    /// of a finite stream (a file, a benchmark). Empty when nothing is pending.
    /// </summary>
    public IReadOnlyList<ScoredSample> Flush()
    {
        var results = new List<ScoredSample>();
        lock (gate)
        {
            while (delayed.Next() is { } batch)
            {
                pipeline.ScoreBatch(batch, null, results, null);
            }
        }

        return results;
    }

    /// <summary><c>Scorer:Batching:MaxBatchSize</c>: a Kafka batch this large means more input is waiting.</summary>
    public int MaxBatchSize => options.Batching.MaxBatchSize;

    /// <summary>Samples held back by <c>Scorer:Proxy:ScoreDelaySamples</c>, not yet scored.</summary>
    public int PendingSamples => delayed.Samples;

    /// <summary>Writes the whole proxy state to <c>Scorer:CheckpointPath</c> atomically (temporary file + rename).</summary>
    public void SaveCheckpoint()
    {
        lock (gate)
        {
            SaveCheckpointCore();
        }
    }

    /// <summary>
    /// This engine's proxy parameters and class statistics for its peers (scale-out, <see cref="Sync.ModelSync"/>);
    /// <paramref name="samplesSinceMerge"/> is its weight in their averages.
    /// </summary>
    public ModelSnapshot ExportModel(string instance, long sequence, long samplesSinceMerge)
    {
        lock (gate)
        {
            return exchange.Export(instance, sequence, samplesSinceMerge, timeProvider.GetUtcNow());
        }
    }

    /// <summary>
    /// Averages the peers' snapshots into this engine, each with its weight (<see cref="Sync.ModelSync"/>'s merge for a
    /// caller that holds the snapshots itself, as <c>bench scale --simulate</c> does); returns why each ignored one was.
    /// </summary>
    public IReadOnlyList<string> MergeModels(IReadOnlyList<(ModelSnapshot Snapshot, double Weight)> peers, double ownWeight)
    {
        ArgumentNullException.ThrowIfNull(peers);
        var ignored = new List<string>();
        var decoded = new List<(PeerModel, double)>(peers.Count);
        foreach (var (snapshot, weight) in peers)
        {
            if (DecodePeer(snapshot, out var reason) is { } model)
            {
                decoded.Add((model, weight));
            }
            else
            {
                ignored.Add($"{snapshot.Instance}: {reason}");
            }
        }

        if (decoded.Count > 0 && ownWeight + decoded.Sum(d => d.Item2) > 0)
        {
            MergePeers(decoded, ownWeight);
        }

        return ignored;
    }

    /// <summary>A peer's snapshot decoded for <see cref="MergePeers"/>, or null with the reason it cannot merge here.</summary>
    internal PeerModel? DecodePeer(ModelSnapshot snapshot, out string? reason) => exchange.Decode(snapshot, out reason);

    /// <summary>Averages the peers' models into this engine's (<see cref="ModelExchange.Merge"/>), between batches.</summary>
    internal void MergePeers(IReadOnlyList<(PeerModel Model, double Weight)> peers, double ownWeight)
    {
        lock (gate)
        {
            exchange.Merge(peers, ownWeight);
            ScorerMetrics.ModelVersion.Set(ModelVersion);
        }
    }

    /// <summary>The ensemble-mean softmax [B·C] for the samples, without training or updating any state.</summary>
    internal float[] PredictMeanProbabilities(IReadOnlyList<CanonicalSample> samples)
    {
        lock (gate)
        {
            var (packed, _) = SamplePacking.Pack(samples, 0, samples.Count, Dimension);
            var features = Lifted(packed, samples.Count);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var x = HostTensor.Copy(features, samples.Count, ModelDimension).to(Device);
            ArrayPool<float>.Shared.Return(features.Array!);
            var (probabilities, _) = ensemble.Forward(x);
            return probabilities.mean([0]).cpu().data<float>().ToArray();
        }
    }

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

    /// <summary>Packed features as the proxy sees them: with the image features appended (the packed block returned), or as they are.</summary>
    private ArraySegment<float> Lifted(ArraySegment<float> features, int count)
    {
        if (imageFeatures is null)
        {
            return features;
        }

        try
        {
            return imageFeatures.Lift(features, count);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(features.Array!);
        }
    }

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
        neighbours.Dispose();
        imageFeatures?.Dispose();
    }
}
