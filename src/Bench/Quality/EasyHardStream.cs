using System.Diagnostics;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.Evaluation.Datasets;
using EasyHard.Scorer;
using EasyHard.Scorer.Scoring;

namespace EasyHard.Bench.Quality;

/// <summary>
/// Streams the noisy samples through the pipeline's own scoring core (<see cref="ScoringEngine"/>: prequential
/// micro-batches, online learning) for a number of epochs: the same ids again in every epoch, in a seeded shuffled
/// order, as a trainer replaying a topic would send them. Keeps the scores of the first and of the last exposure.
/// </summary>
public static class EasyHardStream
{
    /// <summary>Samples handed to the engine per call; a multiple of its micro-batch so the batching is unchanged.</summary>
    private const int BatchesPerCall = 16;

    /// <summary>
    /// Scores of the first and last exposure, the proxy's running accuracy and steps, the engine's device, and the
    /// features per sample its proxy sees (with the image features, where they are on).
    /// </summary>
    public sealed record Result(ExposureScores First, ExposureScores Last, double ProxyAccuracy, long ModelVersion, string Device, int ModelDimension);

    /// <param name="image">The samples' image shape (<c>Schema:ImageShape</c>) where they are images: the engine then adds their image features.</param>
    public static Result Run(ScorerOptions options, IReadOnlyList<LabelledSample> samples, int dimension, int classes, int epochs, int seed, TextWriter progress,
        ImageShape? image = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(progress);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        var stopwatch = Stopwatch.StartNew();
        var canonical = samples.Select(ToCanonical).ToArray();
        var scores = new ExposureScores(samples.Count);
        ExposureScores? first = null;
        var random = new Random(seed);
        var order = Enumerable.Range(0, samples.Count).ToArray();
        var chunk = options.Batching.MaxBatchSize * BatchesPerCall;
        using var engine = new ScoringEngine(options, dimension, classes, image: image);
        var rowOf = new Dictionary<string, int>(samples.Count, StringComparer.Ordinal);
        for (var i = 0; i < samples.Count; i++)
        {
            rowOf[samples[i].Id] = i;
        }

        // By id: with a lookahead (Scorer:Proxy:ScoreDelaySamples) the engine returns earlier samples than the ones handed in.
        void Record(IReadOnlyList<ScoredSample> scored)
        {
            foreach (var s in scored)
            {
                var row = rowOf[s.Canonical.Sample.Id];
                scores.Noise[row] = s.Scores.Noise;
                scores.Difficulty[row] = s.Scores.Difficulty;
                scores.Influence[row] = s.Scores.Influence;
                scores.Weight[row] = s.Weight;
                scores.Warming[row] = s.Warming;
                scores.Quarantined[row] = s.Quarantined;
                scores.SuggestedLabel[row] = s.Scores.HasSuggestion() ? s.Scores.SuggestedLabel : s.Canonical.Sample.Label;
                scores.SuggestedLabelP[row] = s.Scores.SuggestedLabelP;
            }
        }

        for (var epoch = 1; epoch <= epochs; epoch++)
        {
            random.Shuffle(order);
            for (var start = 0; start < order.Length; start += chunk)
            {
                var rows = order.AsSpan(start, Math.Min(chunk, order.Length - start)).ToArray();
                Record(engine.Score([.. rows.Select(r => canonical[r])]));
            }

            // The epoch's last samples held back by Scorer:Proxy:ScoreDelaySamples: scored before the next epoch begins.
            Record(engine.Flush());

            first ??= scores.Copy();
            progress.WriteLine($"  EasyHard stream: epoch {epoch}/{epochs} scored {order.Length:N0} samples, proxy accuracy {engine.ProxyAccuracy:F3}, {stopwatch.Elapsed.TotalSeconds:F0} s");
        }

        return new Result(first!, scores, engine.ProxyAccuracy, engine.ModelVersion, engine.Device.ToString(), engine.ModelDimension);
    }

    private static CanonicalSample ToCanonical(LabelledSample sample)
    {
        var message = new TrainingSample { Id = sample.Id, Label = sample.Label, Source = "bench-quality" };
        message.Features.AddRange(sample.Features.ToArray());
        return new CanonicalSample { Sample = message, ContentType = Contracts.ContentTypes.Protobuf };
    }
}
