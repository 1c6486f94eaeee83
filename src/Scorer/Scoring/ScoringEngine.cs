using EasyHard.Core.Configuration;
using EasyHard.Core.Contracts.V1;
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
/// Used by <see cref="ScorerBatchProcessor"/>, <c>easyhard replay</c> and the benchmarks. Not thread-safe by
/// design of the scoring path (one scoring thread), but calls are serialized so a host may save at stop.
/// </summary>
public sealed class ScoringEngine : IDisposable
{
    private const int CheckpointFormat = 1;
    private const string CheckpointMagic = "EASYHARD-SCORER";

    /// <summary>Samples with noise below this feed the influence target reservoir.</summary>
    private const double CleanNoiseLimit = 0.5;

    /// <summary>Per-sample smoothing of the running prequential accuracy.</summary>
    private const double AccuracySmoothing = 0.001;

    private readonly ScorerOptions options;
    private readonly TimeProvider timeProvider;
    private readonly ILogger logger;
    private readonly ProxyEnsemble ensemble;
    private readonly ClassStatistics statistics;
    private readonly CleanReservoir reservoir;
    private readonly WeightRenormalizer renormalizer;
    private readonly Lock gate = new();
    private long lastCheckpointTimestamp;
    private double accuracy;

    /// <summary>Host constructor: dimension and classes come from the <c>Schema</c> section.</summary>
    public ScoringEngine(IOptions<ScorerOptions> options, IOptions<SampleSchemaOptions> schema, TimeProvider timeProvider, ILogger<ScoringEngine> logger)
        : this(options.Value, schema.Value.Dimension, schema.Value.Classes, timeProvider, logger)
    {
    }

    /// <summary>
    /// Direct constructor (replay, benchmarks, tests). Restores <see cref="ScorerOptions.CheckpointPath"/> when the
    /// file exists; throws <see cref="InvalidOperationException"/> if it was written for another shape.
    /// </summary>
    public ScoringEngine(ScorerOptions options, int dimension, int classes, TimeProvider? timeProvider = null, ILogger<ScoringEngine>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        this.options = options;
        this.timeProvider = timeProvider ?? TimeProvider.System;
        this.logger = (ILogger?)logger ?? NullLogger.Instance;
        Dimension = dimension;
        Classes = classes;
        Device = ResolveDevice(options.Device);
        ensemble = new ProxyEnsemble(dimension, classes, options.HiddenSizes, options.EnsembleSize, options.Optimizer, options.LearningRate, options.Seed, Device);
        statistics = new ClassStatistics(classes, options.ClassWindow, options.ThresholdDecay);
        reservoir = new CleanReservoir(options.InfluenceReservoirSize, dimension);
        renormalizer = new WeightRenormalizer(options.RenormalizationWindow);
        ScorerLog.ProxyStarted(this.logger, Device.ToString(), options.EnsembleSize, string.Join('-', options.HiddenSizes), ensemble.OptimizerName, options.LearningRate, dimension, classes);

        if (File.Exists(options.CheckpointPath))
        {
            Restore(options.CheckpointPath);
            ScorerLog.CheckpointRestored(this.logger, options.CheckpointPath, ModelVersion);
        }

        lastCheckpointTimestamp = this.timeProvider.GetTimestamp();
        ScorerMetrics.ModelVersion.Set(ModelVersion);
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

    /// <summary>Reason code when the sample cannot be scored by this engine, else null.</summary>
    public string? Validate(TrainingSample? sample)
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

        if (sample.Label < 0 || sample.Label >= Classes)
        {
            return "label_out_of_range";
        }

        foreach (var f in sample.Features)
        {
            if (!float.IsFinite(f))
            {
                return "non_finite_feature";
            }
        }

        return null;
    }

    /// <summary>
    /// Scores the samples in arrival order, in micro-batches of <c>Scorer:Batching:MaxBatchSize</c>, training after
    /// each batch. Every sample must pass <see cref="Validate"/>; an invalid one throws <see cref="ArgumentException"/>.
    /// </summary>
    public IReadOnlyList<ScoredSample> Score(IReadOnlyList<CanonicalSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        for (int i = 0; i < samples.Count; i++)
        {
            if (Validate(samples[i]?.Sample) is { } reason)
            {
                throw new ArgumentException($"Sample {i} cannot be scored: {reason}.", nameof(samples));
            }
        }

        var results = new List<ScoredSample>(samples.Count);
        int size = options.Batching.MaxBatchSize;
        lock (gate)
        {
            for (int start = 0; start < samples.Count; start += size)
            {
                int count = Math.Min(size, samples.Count - start);
                ScoreBatch(samples, start, count, results);
            }

            if (options.CheckpointIntervalSeconds > 0
                && timeProvider.GetElapsedTime(lastCheckpointTimestamp).TotalSeconds >= options.CheckpointIntervalSeconds)
            {
                SaveCheckpointCore();
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
            var x = tensor(features, [samples.Count, Dimension]).to(Device);
            var (probabilities, _) = ensemble.Forward(x);
            return probabilities.mean([0]).cpu().data<float>().ToArray();
        }
    }

    private void ScoreBatch(IReadOnlyList<CanonicalSample> samples, int start, int n, List<ScoredSample> results)
    {
        var (features, labels) = Pack(samples, start, n);
        float[] loss, selfConfidence, margin, el2n, disagreement, gradNorm, difficulty, noise, influence;
        long[] predicted, bucket;
        var steps = 0;

        using (var scope = NewDisposeScope())
        {
            var x = tensor(features, [n, Dimension]).to(Device);
            var y = tensor(labels).to(Device);
            using (no_grad())
            {
                var (probabilities, hidden) = ensemble.Forward(x);
                var signals = Signals.Compute(probabilities, hidden, y);
                var noiseTensor = statistics.Noise(signals, y);
                var bucketTensor = statistics.Buckets(signals.Loss, y);
                var influenceTensor = reservoir.Size > 0
                    ? TargetInfluence(probabilities, hidden, signals.OneHot)
                    : zeros(n, device: Device);

                loss = ToArray(signals.Loss);
                selfConfidence = ToArray(signals.SelfConfidence);
                margin = ToArray(signals.Margin);
                el2n = ToArray(signals.El2n);
                disagreement = ToArray(signals.Disagreement);
                gradNorm = ToArray(signals.GradNorm);
                difficulty = ToArray(signals.Difficulty);
                noise = ToArray(noiseTensor);
                influence = ToArray(influenceTensor);
                predicted = signals.PredictedLabel.cpu().data<long>().ToArray();
                bucket = bucketTensor.cpu().data<long>().ToArray();
            }

            // Prequential: train only after the batch has been scored by the previous model. The scored batch
            // is trained on in minibatches so that one pass over a stream takes enough optimizer steps.
            var bootstrap = BootstrapWeights(n).to(Device);
            for (long offset = 0; offset < n; offset += options.TrainMinibatchSize)
            {
                var length = Math.Min(options.TrainMinibatchSize, n - offset);
                ensemble.TrainStep(x.narrow(0, offset, length), y.narrow(0, offset, length), bootstrap.narrow(1, offset, length));
                steps++;
            }
        }

        ModelVersion += steps;
        var labelInts = Array.ConvertAll(labels, l => (int)l);
        statistics.Update(loss, selfConfidence, labelInts, noise, Device);
        var random = new Random(unchecked((options.Seed * 1_000_003) + (int)ModelVersion));
        var warming = new bool[n];
        var active = new List<int>(n);
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            warming[i] = SamplesSeen + i < options.WarmupSamples;
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

        var weights = ComputeWeights(active, loss, noise);
        SamplesSeen += n;
        double alpha = 1 - Math.Pow(1 - AccuracySmoothing, n);
        accuracy += alpha * (((double)correct / n) - accuracy);

        long now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        int warmingCount = 0, quarantinedCount = 0;
        for (int i = 0; i < n; i++)
        {
            var canonical = samples[start + i];
            bool quarantined = !warming[i] && noise[i] >= options.QuarantineThreshold;
            warmingCount += warming[i] ? 1 : 0;
            quarantinedCount += quarantined ? 1 : 0;
            var scored = new ScoredSample
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
            results.Add(scored);
            ScorerMetrics.Difficulty.Observe(difficulty[i]);
            ScorerMetrics.Noise.Observe(noise[i]);
            ScorerMetrics.Weight.Observe(weights[i]);
        }

        for (int c = 0; c < Classes && c < 1000; c++)
        {
            ScorerMetrics.ClassNoise(c).Set(statistics.NoiseRate[c]);
        }

        ScorerMetrics.SamplesScored.Inc(n);
        ScorerMetrics.SamplesWarming.Inc(warmingCount);
        ScorerMetrics.SamplesQuarantined.Inc(quarantinedCount);
        ScorerMetrics.ProxyAccuracy.Set(accuracy);
        ScorerMetrics.ModelVersion.Set(ModelVersion);
    }

    /// <summary>Weights of the batch: 1 for warming samples, the policy product renormalized for the rest.</summary>
    private double[] ComputeWeights(List<int> active, float[] loss, float[] noise)
    {
        var weights = new double[loss.Length];
        Array.Fill(weights, 1.0);
        if (active.Count == 0)
        {
            return weights;
        }

        var activeLoss = active.Select(i => loss[i]).ToArray();
        var activeNoise = active.Select(i => noise[i]).ToArray();
        var activeWeights = new double[active.Count];
        bool lossPolicyActive = SamplesSeen >= (long)options.WarmupSamples + options.LossPolicyBurnInSamples;
        SampleWeights.Combine(activeNoise, activeLoss, options.NoiseGamma, lossPolicyActive, options.LossPolicyDelta, options.LossPolicyTemperature, options.WeightMin, options.WeightMax, activeWeights);
        renormalizer.Renormalize(activeWeights);
        for (int k = 0; k < active.Count; k++)
        {
            weights[active[k]] = activeWeights[k];
        }

        return weights;
    }

    /// <summary>Influence against the mean last-layer gradient of the clean reservoir under the current model.</summary>
    private Tensor TargetInfluence(Tensor probabilities, Tensor hidden, Tensor oneHot)
    {
        int size = reservoir.Size;
        var targetX = tensor(reservoir.Features.AsSpan(0, size * Dimension).ToArray(), [size, Dimension]).to(Device);
        var targetY = tensor(reservoir.Labels.AsSpan(0, size).ToArray()).to(Device);
        var (targetProbabilities, targetHidden) = ensemble.Forward(targetX);
        var targetOneHot = nn.functional.one_hot(targetY, Classes).to_type(targetProbabilities.dtype);
        return Signals.Influence(probabilities, hidden, oneHot, targetProbabilities, targetHidden, targetOneHot);
    }

    /// <summary>
    /// [E, B] per-sample weights of each head's bootstrap view: Poisson(λ) counts (online bagging, Oza &amp; Russell
    /// 2001), seeded from (seed, model version, head) so a restored engine draws the same views.
    /// </summary>
    private Tensor BootstrapWeights(int n)
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

        return tensor(weights, [heads, n]);
    }

    private (float[] Features, long[] Labels) Pack(IReadOnlyList<CanonicalSample> samples, int start, int n)
    {
        var features = new float[n * Dimension];
        var labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            var sample = samples[start + i].Sample;
            sample.Features.CopyTo(features, i * Dimension);
            labels[i] = sample.Label;
        }

        return (features, labels);
    }

    private static float[] ToArray(Tensor t) => t.to_type(ScalarType.Float32).cpu().data<float>().ToArray();

    private static Device ResolveDevice(string device) => device.ToLowerInvariant() switch
    {
        "cpu" => CPU,
        "cuda" => CUDA,
        _ => cuda.is_available() ? CUDA : CPU,
    };

    private void SaveCheckpointCore()
    {
        CheckpointIo.WriteAtomically(options.CheckpointPath, writer =>
        {
            WriteHeader(writer);
            writer.Write(ModelVersion);
            writer.Write(SamplesSeen);
            writer.Write(accuracy);
            statistics.Write(writer);
            reservoir.Write(writer);
            renormalizer.Write(writer);
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
        try
        {
            if (reader.ReadString() != CheckpointMagic || reader.ReadInt32() != CheckpointFormat)
            {
                throw new InvalidOperationException($"Scorer checkpoint {path} is not a format-{CheckpointFormat} EasyHard scorer checkpoint; delete it or set Scorer:CheckpointPath.");
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
        statistics.Read(reader);
        reservoir.Read(reader);
        renormalizer.Read(reader);
        ensemble.Load(reader);
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

    public void Dispose() => ensemble.Dispose();
}
