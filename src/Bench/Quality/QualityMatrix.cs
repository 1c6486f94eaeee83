using System.Diagnostics;
using EasyHard.Core.Configuration;
using EasyHard.Evaluation.Datasets;
using EasyHard.Scorer;
using static TorchSharp.torch;

namespace EasyHard.Bench.Quality;

/// <summary>
/// <c>easyhard bench quality --matrix</c>: EasyHard's noise detection over a set of cases — noise kinds and rates,
/// stream sizes, repeated epochs, long-tailed classes, a small low-dimensional stream — each next to the offline
/// K-fold reference computed in the same run on the same data (the reference, and the downstream arms that do not
/// use EasyHard's scores, are computed once per data set and noise, and shared by the cases that differ only in
/// epochs), and downstream: fresh MLPs trained on the case's data
/// under each weighting (none, EasyHard's, the oracle's, the offline cleanlab pipeline's…), scored on the clean test
/// split made the same way as the case's data.
/// </summary>
public static class QualityMatrix
{
    private const string IdPrefix = "fm";

    /// <summary>Side of a Fashion-MNIST image and the block size the small stream averages over (28 / 4 = 7).</summary>
    private const int SmallFactor = 4;

    /// <summary>Every case's stream is Fashion-MNIST images, the small one averaged to a smaller side.</summary>
    private static ImageShape ImageOf(MatrixCase c)
    {
        var side = c.Data == MatrixData.Small ? FashionMnist.Side / SmallFactor : FashionMnist.Side;
        return new ImageShape(1, side, side);
    }

    private const double LongTailRatio = 0.1;

    public static MatrixReport Run(IReadOnlyList<MatrixCase> cases, QualitySettings settings, ScorerOptions scorerOptions, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(scorerOptions);
        ArgumentNullException.ThrowIfNull(progress);
        return QualityBenchmark.WithTorchThreads(settings.Threads, () =>
        {
            var startedAt = DateTimeOffset.UtcNow;
            var total = Stopwatch.StartNew();
            var source = FashionMnist.Load(settings.DataDirectory, FashionMnistSplit.Train, cases.Max(c => c.Count));
            var test = FashionMnist.Load(settings.DataDirectory, FashionMnistSplit.Test, settings.TestCount);
            var offlineCache = new Dictionary<(MatrixData, int, NoiseSpec), (float[] Probabilities, OfflineFigures Figures)>();
            var dataOnlyCache = new Dictionary<(MatrixData, int, NoiseSpec), Dictionary<string, double>>();
            var rows = cases.Select(c => RunCase(c, source, test, settings, scorerOptions, offlineCache, dataOnlyCache, progress)).ToList();
            return new MatrixReport(startedAt, Math.Round(total.Elapsed.TotalSeconds, 1), settings.Seed, settings.Folds, settings.TrainEpochs, rows);
        });
    }

    private static MatrixRow RunCase(MatrixCase c, DenseDataset source, DenseDataset testSource, QualitySettings settings, ScorerOptions scorerOptions,
        Dictionary<(MatrixData, int, NoiseSpec), (float[] Probabilities, OfflineFigures Figures)> offlineCache,
        Dictionary<(MatrixData, int, NoiseSpec), Dictionary<string, double>> dataOnlyCache, TextWriter progress)
    {
        var data = Data(c, source);
        var noisy = new NoiseInjector(c.Noise, data.Classes, settings.Seed).Apply(data.Labels);
        var samples = data.WithLabels(noisy, IdPrefix);
        progress.WriteLine($"matrix case {c.Name}: {data.Count:N0} samples of {data.Dimension} features, realized noise {noisy.RealizedRate:P1}");
        var stopwatch = Stopwatch.StartNew();
        var image = ImageOf(c);
        var stream = EasyHardStream.Run(scorerOptions, samples, data.Dimension, data.Classes, c.Epochs, settings.Seed, progress, image);
        double streamSeconds = stopwatch.Elapsed.TotalSeconds;
        var key = (c.Data, c.Count, c.Noise);
        using var features = tensor(data.Features, [data.Count, data.Dimension]);
        using var given = tensor(noisy.Given.Select(l => (long)l).ToArray());
        if (!offlineCache.TryGetValue(key, out var offline))
        {
            var (referenceFeatures, referenceDimension) = QualityBenchmark.ReferenceInputs(scorerOptions.Proxy, image, data);
            using var referenceInputs = referenceFeatures;
            var probabilities = QualityBenchmark.CrossValidatedProbabilities(settings, referenceInputs, given, noisy.Given, referenceDimension, data.Classes, progress, stopwatch);
            offline = (probabilities, QualityBenchmark.Offline(probabilities, noisy, data.Classes));
            offlineCache[key] = offline;
        }

        var offlineDifficulty = QualityBenchmark.SelfConfidenceNoise(offline.Probabilities, noisy.Given, data.Classes);
        var last = QualityBenchmark.Exposure(stream.Last, noisy.IsNoisy, offlineDifficulty);
        var first = c.Epochs > 1 ? QualityBenchmark.Exposure(stream.First, noisy.IsNoisy, offlineDifficulty).Noise : null;
        var o = offline.Figures;
        double bestOffline = new[] { o.SelfConfidence.Auroc, o.NormalizedMargin.Auroc, o.ConfidentJoint.RankedAuroc }.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        double quarantined = stream.Last.Quarantined.Count(q => q) / (double)data.Count;
        progress.WriteLine($"  AUROC {last.Noise.Auroc:F4} (best offline {bestOffline:F4}), mean noise {last.MeanNoise:F3} (true {noisy.RealizedRate:F3}), quarantined {quarantined:P2}");
        if (!dataOnlyCache.TryGetValue(key, out var dataOnly))
        {
            dataOnlyCache[key] = dataOnly = new Dictionary<string, double>(StringComparer.Ordinal);
        }

        using var arms = new DownstreamArms(settings, features, given, TestData(c, testSource), progress, dataOnly);
        var downstream = arms.Measure(stream.Last, noisy, [.. samples.Select(s => s.Id)], o.ConfidentJoint.Flagged);
        var targets = MatrixTargets.Check(c, last.Noise, bestOffline, o, last.MeanNoise, noisy.RealizedRate, quarantined, last.DifficultySpearman)
            .Concat(MatrixTargets.CheckDownstream(c, downstream, last.MeanWeightNoisy, last.MeanWeightClean))
            .ToList();
        return new MatrixRow(c.Name, data.Count, data.Dimension, c.Noise.ToString(), c.Epochs, noisy.RealizedRate, last.Noise, first,
            last.MeanNoise, last.NoiseCalibrationError, quarantined, last.DifficultySpearman, last.MeanWeightNoisy, last.MeanWeightClean, o, bestOffline,
            downstream, Math.Round(streamSeconds, 1), targets);
    }

    private static DenseDataset Data(MatrixCase c, DenseDataset source) => c.Data switch
    {
        MatrixData.LongTailed => DatasetVariants.LongTailed(Take(source, c.Count), LongTailRatio),
        MatrixData.Small => DatasetVariants.Downsampled(Take(source, c.Count), FashionMnist.Side, SmallFactor, c.Count),
        _ => Take(source, c.Count),
    };

    /// <summary>The clean test split as the case's data is made: averaged to 7 × 7 for the small stream, else as it is (long tails are a property of the training data).</summary>
    private static DenseDataset TestData(MatrixCase c, DenseDataset test) =>
        c.Data == MatrixData.Small ? DatasetVariants.Downsampled(test, FashionMnist.Side, SmallFactor, test.Count) : test;

    private static DenseDataset Take(DenseDataset source, int count) => count >= source.Count
        ? source
        : new DenseDataset(source.Name, source.Dimension, source.Classes, source.Features.AsSpan(0, count * source.Dimension).ToArray(), source.Labels[..count]);
}
