using System.Diagnostics;
using System.Globalization;
using EasyHard.Evaluation.Datasets;
using EasyHard.Sink.TrainerStream;
using static TorchSharp.torch;

namespace EasyHard.Bench.Quality;

/// <summary>
/// Downstream: fresh MLPs trained on the noisy training data under each weighting, scored on the clean test split.
/// Every arm trains the same initialisations in the same batch orders, and reports the mean of
/// <see cref="QualitySettings.DownstreamRepeats"/> of them, since one model's accuracy moves with its seed about as
/// much as the arms differ. Used by <c>bench quality</c> (one case) and by every case of <c>--matrix</c>.
/// </summary>
internal sealed class DownstreamArms : IDisposable
{
    /// <summary>The resampled arm's <c>Sink:TrainerStream:ResampleCeiling</c> (its default).</summary>
    private const double ResampleCeiling = 1.0;

    private readonly QualitySettings settings;
    private readonly Tensor trainFeatures;
    private readonly Tensor givenLabels;
    private readonly Tensor testFeatures;
    private readonly int[] testLabels;
    private readonly int dimension;
    private readonly int classes;
    private readonly TextWriter progress;
    private readonly IDictionary<string, double> dataOnly;
    private readonly Stopwatch clock = Stopwatch.StartNew();

    /// <param name="trainFeatures">The training features, [samples, dimension]; not owned.</param>
    /// <param name="givenLabels">The noisy labels as the stream gave them; not owned.</param>
    /// <param name="dataOnly">
    /// Accuracies of the arms that depend on the noisy data alone, not on EasyHard's scores (unweighted, oracle, the
    /// offline cleanlab pipeline), by arm; shared by the cases of a matrix that stream the same data for more epochs,
    /// which would train the very same models again. Null: kept for this instance only.
    /// </param>
    public DownstreamArms(QualitySettings settings, Tensor trainFeatures, Tensor givenLabels, DenseDataset test, TextWriter progress, IDictionary<string, double>? dataOnly = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(trainFeatures);
        ArgumentNullException.ThrowIfNull(givenLabels);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(progress);
        this.settings = settings;
        this.trainFeatures = trainFeatures;
        this.givenLabels = givenLabels;
        testFeatures = tensor(test.Features, [test.Count, test.Dimension]);
        testLabels = test.Labels;
        dimension = test.Dimension;
        classes = test.Classes;
        this.progress = progress;
        this.dataOnly = dataOnly ?? new Dictionary<string, double>(StringComparer.Ordinal);
    }

    /// <summary>
    /// Clean-test accuracy of fresh models trained on <paramref name="rows"/> (repeats allowed: a row twice is two
    /// samples), with per-sample loss <paramref name="weights"/> (null: 1), <paramref name="labels"/> instead of the
    /// given ones, and a <paramref name="correction"/> term (a second label per sample with its weight).
    /// </summary>
    public double Accuracy(Tensor? weights, IReadOnlyList<int> rows, string what, Tensor? labels = null, (Tensor, Tensor)? correction = null)
    {
        var accuracies = new double[settings.DownstreamRepeats];
        for (var repeat = 0; repeat < accuracies.Length; repeat++)
        {
            var seed = QualityBenchmark.ModelSeed(settings.Seed, 100 + repeat);
            using var model = QualityBenchmark.NewModel(settings, dimension, classes, seed);
            model.Train(trainFeatures, labels ?? givenLabels, weights, rows, settings.TrainEpochs, settings.BatchSize, seed, correction);
            accuracies[repeat] = model.Accuracy(testFeatures, testLabels);
        }

        var accuracy = accuracies.Average();
        var each = accuracies.Length > 1 ? $" (each {string.Join(", ", accuracies.Select(a => a.ToString("P2", CultureInfo.InvariantCulture)))})" : "";
        progress.WriteLine($"  downstream {what}: test accuracy {accuracy:P2}{each}, {clock.Elapsed.TotalSeconds:F0} s");
        return accuracy;
    }

    /// <summary>
    /// Every weighting of <see cref="DownstreamFigures"/>: none, EasyHard's weights (alone, with its suggested labels,
    /// its noise factor alone), its suggested labels, the resampled trainer stream, the oracle's 0 / 1 and the offline
    /// cleanlab pipeline (<paramref name="cleanlabFlagged"/> dropped).
    /// </summary>
    public DownstreamFigures Measure(ExposureScores last, NoisyLabels noisy, IReadOnlyList<string> ids, IReadOnlyList<bool> cleanlabFlagged)
    {
        ArgumentNullException.ThrowIfNull(last);
        ArgumentNullException.ThrowIfNull(noisy);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(cleanlabFlagged);
        var count = noisy.Count;
        var allRows = Enumerable.Range(0, count).ToArray();
        var noiseFactor = allRows.Select(i => last.Warming[i] ? 1.0 : 1 - last.Noise[i]).ToArray();
        using var easyHardWeights = tensor(last.Weight.Select(w => (float)w).ToArray());
        using var noiseFactorWeights = tensor(noiseFactor.Select(w => (float)w).ToArray());
        using var oracleWeights = tensor(noisy.IsNoisy.Select(n => n ? 0f : 1f).ToArray());
        using var cleanlabKept = tensor(cleanlabFlagged.Select(flagged => flagged ? 0f : 1f).ToArray());
        var suggested = last.SuggestedLabel;
        using var suggestedLabels = tensor(suggested.Select(l => (long)l).ToArray());
        using var suggestedConfidence = tensor(allRows.Select(i => last.Warming[i] || last.SuggestedLabelP[i] <= 0 ? 1f : (float)last.SuggestedLabelP[i]).ToArray());
        // Where the suggestion differs from the given label, it joins with its probability (P(true = suggestion)).
        using var correctionWeights = tensor(allRows.Select(i => last.Warming[i] || suggested[i] == noisy.Given[i] ? 0f : (float)last.SuggestedLabelP[i]).ToArray());
        // What the resampled trainer stream would carry: each copy a row of its own, shuffled into the epoch's batches.
        var resampledRows = allRows
            .Where(i => !last.Quarantined[i])
            .SelectMany(i => Enumerable.Repeat(i, ImportanceResampling.Decide(ids[i], last.Weight[i], ResampleCeiling).Copies))
            .ToArray();
        double DataOnly(Tensor? weights, string what)
        {
            if (!dataOnly.TryGetValue(what, out var accuracy))
            {
                dataOnly[what] = accuracy = Accuracy(weights, allRows, what);
            }

            return accuracy;
        }

        return new DownstreamFigures(
            DataOnly(null, "unweighted"),
            Accuracy(easyHardWeights, allRows, "EasyHard weights"),
            Accuracy(easyHardWeights, allRows, "EasyHard weights + suggested labels where they differ", correction: (suggestedLabels, correctionWeights)),
            Accuracy(noiseFactorWeights, allRows, "EasyHard noise factor only"),
            DataOnly(oracleWeights, "oracle weights"),
            NoisyShare(last.Weight, noisy.IsNoisy),
            NoisyShare(noiseFactor, noisy.IsNoisy),
            Accuracy(suggestedConfidence, allRows, "EasyHard suggested labels, weighted by their probability", suggestedLabels),
            DataOnly(cleanlabKept, "offline cleanlab pipeline (prune_by_noise_rate, retrain)"),
            allRows.Count(i => suggested[i] == noisy.True[i]) / (double)count,
            Accuracy(null, resampledRows, "resampled trainer stream, unweighted"),
            resampledRows.Length / (double)count);
    }

    public void Dispose() => testFeatures.Dispose();

    private static double NoisyShare(double[] weights, bool[] isNoisy)
    {
        double noisy = 0, total = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            noisy += isNoisy[i] ? weights[i] : 0;
            total += weights[i];
        }

        return total == 0 ? double.NaN : noisy / total;
    }
}
