using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using EasyHard.Core.Configuration;
using EasyHard.Evaluation.Datasets;
using EasyHard.Evaluation.Metrics;
using EasyHard.Scorer;
using EasyHard.Sink.TrainerStream;
using static TorchSharp.torch;

namespace EasyHard.Bench.Quality;

/// <summary>
/// <c>easyhard bench quality</c>: EasyHard's scores next to the offline gold standard, computed in one run on the
/// same noisy data with the same MLP architecture. EasyHard streams the samples through the pipeline's
/// <see cref="Scorer.Scoring.ScoringEngine"/>; the reference trains fresh MLPs on K−1 folds and predicts the held-out
/// fold (cross-validated probabilities, as confident learning prescribes), then ranks by self-confidence, by
/// normalized margin and by the confident joint. Downstream, fresh MLPs are trained on the noisy data with no
/// weights, EasyHard's weights and oracle weights, and on half the data kept by influence or at random, and are
/// scored on the clean test split.
/// </summary>
public static class QualityBenchmark
{
    private const string IdPrefix = "fm";

    /// <summary>The resampled arm's <c>Sink:TrainerStream:ResampleCeiling</c> (its default).</summary>
    private const double ResampleCeiling = 1.0;

    public static QualityReport Run(QualitySettings settings, ScorerOptions scorerOptions, TextWriter progress)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(scorerOptions);
        ArgumentNullException.ThrowIfNull(progress);
        return WithTorchThreads(settings.Threads, () => RunCore(settings, scorerOptions, progress));
    }

    /// <summary>Runs <paramref name="run"/> with <paramref name="threads"/> torch intra-op threads (0: torch's setting), restored afterwards.</summary>
    internal static T WithTorchThreads<T>(int threads, Func<T> run)
    {
        var previousThreads = get_num_threads();
        if (threads > 0)
        {
            set_num_threads(threads);
        }

        try
        {
            return run();
        }
        finally
        {
            set_num_threads(previousThreads);
        }
    }

    private static QualityReport RunCore(QualitySettings settings, ScorerOptions scorerOptions, TextWriter progress)
    {
        var startedAt = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var stages = new Dictionary<string, double>(StringComparer.Ordinal);
        var stage = Stopwatch.StartNew();
        void EndStage(string name)
        {
            stages[name] = Math.Round(stage.Elapsed.TotalSeconds, 1);
            progress.WriteLine($"  {name}: {stage.Elapsed.TotalSeconds:F1} s");
            stage.Restart();
        }

        var train = FashionMnist.Load(settings.DataDirectory, FashionMnistSplit.Train, settings.Count);
        var test = FashionMnist.Load(settings.DataDirectory, FashionMnistSplit.Test, settings.TestCount);
        if (train.Count < Math.Max(settings.Folds, 2))
        {
            throw new InvalidOperationException($"{train.Count} training samples are too few for {settings.Folds} folds");
        }

        var classes = train.Classes;
        var noisy = new NoiseInjector(settings.Noise, classes, settings.Seed).Apply(train.Labels);
        var samples = train.WithLabels(noisy, IdPrefix);
        var isNoisy = noisy.IsNoisy;
        using var trainFeatures = tensor(train.Features, [train.Count, train.Dimension]);
        using var testFeatures = tensor(test.Features, [test.Count, test.Dimension]);
        using var givenLabels = tensor(noisy.Given.Select(l => (long)l).ToArray());
        progress.WriteLine($"bench quality: {train.Count:N0} {train.Name} samples, noise {settings.Noise} (realized {noisy.RealizedRate:P1}), seed {settings.Seed}, {test.Count:N0} test samples");
        EndStage("load");

        // EasyHard: the pipeline's scoring core over the stream.
        var stream = EasyHardStream.Run(scorerOptions, samples, train.Dimension, classes, settings.Epochs, settings.Seed, progress);
        EndStage("easyhard_stream");

        // Offline reference: K-fold cross-validated probabilities.
        var outOfFold = CrossValidatedProbabilities(settings, trainFeatures, givenLabels, noisy.Given, train.Dimension, classes, progress, stage);
        var offline = Offline(outOfFold, noisy, classes);
        EndStage("offline_cross_validation");

        // Downstream: the same fresh models, same initialisations and batch orders, under each weighting; the mean of
        // DownstreamRepeats of them, since one model's accuracy moves with its seed about as much as the arms differ.
        double Accuracy(Tensor? weights, IReadOnlyList<int> rows, string what, Tensor? labels = null, (Tensor, Tensor)? correction = null)
        {
            var accuracies = new double[settings.DownstreamRepeats];
            for (var repeat = 0; repeat < accuracies.Length; repeat++)
            {
                var seed = ModelSeed(settings.Seed, 100 + repeat);
                using var model = NewModel(settings, train.Dimension, classes, seed);
                model.Train(trainFeatures, labels ?? givenLabels, weights, rows, settings.TrainEpochs, settings.BatchSize, seed, correction);
                accuracies[repeat] = model.Accuracy(testFeatures, test.Labels);
            }

            var accuracy = accuracies.Average();
            var each = accuracies.Length > 1 ? $" (each {string.Join(", ", accuracies.Select(a => a.ToString("P2", CultureInfo.InvariantCulture)))})" : "";
            progress.WriteLine($"  downstream {what}: test accuracy {accuracy:P2}{each}, {stage.Elapsed.TotalSeconds:F0} s");
            return accuracy;
        }

        var allRows = Enumerable.Range(0, train.Count).ToArray();
        var noiseFactor = allRows.Select(i => stream.Last.Warming[i] ? 1.0 : 1 - stream.Last.Noise[i]).ToArray();
        using var easyHardWeights = tensor(stream.Last.Weight.Select(w => (float)w).ToArray());
        using var noiseFactorWeights = tensor(noiseFactor.Select(w => (float)w).ToArray());
        using var oracleWeights = tensor(isNoisy.Select(n => n ? 0f : 1f).ToArray());
        using var cleanlabKept = tensor(offline.ConfidentJoint.Flagged.Select(flagged => flagged ? 0f : 1f).ToArray());
        var suggested = stream.Last.SuggestedLabel;
        using var suggestedLabels = tensor(suggested.Select(l => (long)l).ToArray());
        using var suggestedConfidence = tensor(allRows.Select(i => stream.Last.Warming[i] || stream.Last.SuggestedLabelP[i] <= 0 ? 1f : (float)stream.Last.SuggestedLabelP[i]).ToArray());
        // Where the suggestion differs from the given label, it joins with its probability (P(true = suggestion)).
        using var correctionWeights = tensor(allRows.Select(i => stream.Last.Warming[i] || suggested[i] == noisy.Given[i] ? 0f : (float)stream.Last.SuggestedLabelP[i]).ToArray());
        // What the resampled trainer stream would carry: each copy a row of its own, shuffled into the epoch's batches.
        var resampledRows = allRows
            .Where(i => !stream.Last.Quarantined[i])
            .SelectMany(i => Enumerable.Repeat(i, ImportanceResampling.Decide(samples[i].Id, stream.Last.Weight[i], ResampleCeiling).Copies))
            .ToArray();
        var downstream = new DownstreamFigures(
            Accuracy(null, allRows, "unweighted"),
            Accuracy(easyHardWeights, allRows, "EasyHard weights"),
            Accuracy(easyHardWeights, allRows, "EasyHard weights + suggested labels where they differ", correction: (suggestedLabels, correctionWeights)),
            Accuracy(noiseFactorWeights, allRows, "EasyHard noise factor only"),
            Accuracy(oracleWeights, allRows, "oracle weights"),
            NoisyShare(stream.Last.Weight, isNoisy),
            NoisyShare(noiseFactor, isNoisy),
            Accuracy(suggestedConfidence, allRows, "EasyHard suggested labels, weighted by their probability", suggestedLabels),
            Accuracy(cleanlabKept, allRows, "offline cleanlab pipeline (prune_by_noise_rate, retrain)"),
            allRows.Count(i => suggested[i] == noisy.True[i]) / (double)train.Count,
            Accuracy(null, resampledRows, "resampled trainer stream, unweighted"),
            resampledRows.Length / (double)train.Count);
        EndStage("downstream");
        var keep = Math.Max(1, (int)Math.Round(train.Count * settings.KeepFraction));
        // By the size of each sample's effect on the clean target's loss, either way: the signed ranking keeps the
        // samples that lower it most and drops hard clean samples whose gradient disagrees with the target's mean,
        // which cost it 2.6 points on clean data (tuning.md, the selections).
        var byInfluence = StratifiedKeep.Select(noisy.Given, [.. stream.Last.Influence.Select(Math.Abs)], stream.Last.Noise, settings.KeepFraction);
        var bySignedInfluence = StratifiedKeep.Select(noisy.Given, stream.Last.Influence, stream.Last.Noise, settings.KeepFraction);
        var byNoise = StratifiedKeep.Select(noisy.Given, [.. stream.Last.Noise.Select(n => -n)], stream.Last.Noise, settings.KeepFraction);
        // Hardest judged clean first (Sorscher et al. 2022: with plenty of data keep the hard examples; Paul et al. 2021).
        var byDifficulty = StratifiedKeep.Select(noisy.Given, stream.Last.Difficulty, stream.Last.Noise, settings.KeepFraction);
        var atRandom = allRows.ToArray();
        new Random(ModelSeed(settings.Seed, 200)).Shuffle(atRandom);
        atRandom = atRandom[..keep];
        var influence = new InfluenceFigures(
            settings.KeepFraction,
            downstream.Unweighted,
            Accuracy(null, byInfluence, $"{settings.KeepFraction:P0} kept by |influence| (per-class quotas, judged clean first)"),
            Accuracy(null, bySignedInfluence, $"{settings.KeepFraction:P0} kept by signed influence (per-class quotas, judged clean first)"),
            Accuracy(null, byNoise, $"{settings.KeepFraction:P0} kept by lowest noise (per-class quotas)"),
            Accuracy(null, byDifficulty, $"{settings.KeepFraction:P0} kept by difficulty (per-class quotas, judged clean first)"),
            Accuracy(null, atRandom, $"{settings.KeepFraction:P0} kept at random"),
            byInfluence.Count(i => isNoisy[i]) / (double)byInfluence.Length,
            atRandom.Count(i => isNoisy[i]) / (double)keep,
            SmallestClassShare(byInfluence, noisy.True, classes),
            SmallestClassShare(atRandom, noisy.True, classes));
        EndStage("influence");

        var selfConfidenceNoise = SelfConfidenceNoise(outOfFold, noisy.Given, classes);
        var easyHard = new EasyHardFigures(
            Exposure(stream.Last, isNoisy, selfConfidenceNoise),
            settings.Epochs > 1 ? Exposure(stream.First, isNoisy, selfConfidenceNoise) : null,
            stream.ProxyAccuracy,
            stream.ModelVersion);
        var report = new QualityReport(
            Settings(settings, scorerOptions, train, test, noisy),
            Machine(stream.Device),
            startedAt,
            Math.Round(total.Elapsed.TotalSeconds, 1),
            Math.Round(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, 1),
            stages,
            easyHard,
            offline,
            downstream,
            influence,
            QualityTargets.Check(settings.Noise, easyHard, offline, downstream, influence, noisy.RealizedRate));
        return report;
    }

    /// <summary>
    /// Out-of-fold probabilities: for each of K stratified folds, a fresh model trained on the other K−1 folds predicts
    /// the held-out one (cleanlab's <c>estimate_cv_predicted_probabilities</c>), so no sample is scored by a model that
    /// saw it.
    /// </summary>
    internal static float[] CrossValidatedProbabilities(
        QualitySettings settings, Tensor features, Tensor labels, int[] given, int dimension, int classes, TextWriter progress, Stopwatch stage)
    {
        var folds = FoldSplit.Stratified(given, settings.Folds, settings.Seed);
        var outOfFold = new float[(long)given.Length * classes];
        for (var fold = 0; fold < settings.Folds; fold++)
        {
            var trainRows = Enumerable.Range(0, given.Length).Where(i => folds[i] != fold).ToArray();
            var heldOut = Enumerable.Range(0, given.Length).Where(i => folds[i] == fold).ToArray();
            using var model = NewModel(settings, dimension, classes, ModelSeed(settings.Seed, 1 + fold));
            model.Train(features, labels, null, trainRows, settings.TrainEpochs, settings.BatchSize, ModelSeed(settings.Seed, 1 + fold));
            var probabilities = model.PredictProbabilities(features, heldOut);
            for (var k = 0; k < heldOut.Length; k++)
            {
                Array.Copy(probabilities, (long)k * classes, outOfFold, (long)heldOut[k] * classes, classes);
            }

            progress.WriteLine($"  offline reference: fold {fold + 1}/{settings.Folds} trained on {trainRows.Length:N0}, predicted {heldOut.Length:N0}, {stage.Elapsed.TotalSeconds:F0} s");
        }

        return outOfFold;
    }

    /// <summary>Distinct, reproducible seeds for the models and shuffles of one run.</summary>
    private static int ModelSeed(int seed, int purpose) => unchecked((seed * 1009) + purpose);

    private static ReferenceMlp NewModel(QualitySettings settings, int dimension, int classes, int seed) =>
        new(dimension, settings.Hidden, classes, settings.LearningRate, seed);

    internal static double[] SelfConfidenceNoise(float[] probabilities, int[] given, int classes) =>
        [.. given.Select((label, i) => 1.0 - probabilities[((long)i * classes) + label])];

    internal static OfflineFigures Offline(float[] probabilities, NoisyLabels noisy, int classes)
    {
        var selfConfidence = SelfConfidenceNoise(probabilities, noisy.Given, classes);

        // cleanlab's normalized margin p_y − max_{k≠y} p_k, negated so that higher = more likely noisy.
        var margin = new double[noisy.Count];
        int correctGiven = 0, correctTrue = 0;
        for (var i = 0; i < noisy.Count; i++)
        {
            var row = probabilities.AsSpan(i * classes, classes);
            var y = noisy.Given[i];
            double other = double.NegativeInfinity;
            var argmax = 0;
            for (var k = 0; k < classes; k++)
            {
                other = k != y ? Math.Max(other, row[k]) : other;
                argmax = row[k] > row[argmax] ? k : argmax;
            }

            margin[i] = other - row[y];
            correctGiven += argmax == y ? 1 : 0;
            correctTrue += argmax == noisy.True[i] ? 1 : 0;
        }

        var issues = ConfidentLearning.FindLabelIssues(probabilities, noisy.Given, classes);

        // A full ranking for the flagged set: flagged first, each part by 1 − p_given.
        var setRanking = selfConfidence.Select((s, i) => (issues.Issues[i] ? 1.0 : 0.0) + s).ToArray();
        var joint = Enumerable.Range(0, classes)
            .Select(i => Enumerable.Range(0, classes).Select(j => issues.Calibrated[i, j]).ToArray())
            .ToArray();
        return new OfflineFigures(
            correctGiven / (double)noisy.Count,
            correctTrue / (double)noisy.Count,
            Ranking(selfConfidence, noisy.IsNoisy),
            Ranking(margin, noisy.IsNoisy),
            new ConfidentJointFigures(Set(issues.Issues, noisy.IsNoisy), Auroc.Compute(setRanking, noisy.IsNoisy), issues.EstimatedNoiseRate, joint, issues.Issues));
    }

    internal static ExposureFigures Exposure(ExposureScores scores, bool[] isNoisy, double[] offlineDifficulty)
    {
        var active = Enumerable.Range(0, isNoisy.Length).Where(i => !scores.Warming[i]).ToArray();
        return new ExposureFigures(
            Ranking(scores.Noise, isNoisy),
            Ranking([.. active.Select(i => scores.Noise[i])], [.. active.Select(i => isNoisy[i])]),
            active.Length,
            Set([.. scores.Noise.Select(n => n >= 0.5)], isNoisy),
            Spearman.Compute(scores.Difficulty, offlineDifficulty),
            scores.Noise.Average(),
            MeanWhere(scores.Weight, isNoisy, true),
            MeanWhere(scores.Weight, isNoisy, false),
            isNoisy.Any(n => n) ? CalibrationError.Compute(scores.Noise, isNoisy) : double.NaN);
    }

    private static RankingFigures Ranking(IReadOnlyList<double> scores, IReadOnlyList<bool> positive) =>
        new(Auroc.Compute(scores, positive), AveragePrecision.Compute(scores, positive));

    private static SetFigures Set(IReadOnlyList<bool> flagged, IReadOnlyList<bool> positive)
    {
        var detection = SetDetection.Compute(flagged, positive);
        return new SetFigures(detection.Flagged, detection.Precision, detection.Recall, detection.F1);
    }

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

    private static double SmallestClassShare(int[] rows, int[] labels, int classes)
    {
        var counts = new int[classes];
        foreach (var row in rows)
        {
            counts[labels[row]]++;
        }

        return counts.Min() / (double)rows.Length;
    }

    private static double MeanWhere(double[] values, bool[] mask, bool wanted)
    {
        double sum = 0;
        long count = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (mask[i] == wanted)
            {
                sum += values[i];
                count++;
            }
        }

        return count == 0 ? double.NaN : sum / count;
    }

    private static ReportSettings Settings(QualitySettings settings, ScorerOptions scorer, DenseDataset train, DenseDataset test, NoisyLabels noisy) => new(
        train.Name, train.Dimension, train.Classes, train.Count, test.Count, settings.Noise.ToString(), noisy.RealizedRate, noisy.IsNoisy.LongCount(n => n), settings.Seed,
        settings.Epochs, settings.Folds, settings.TrainEpochs, settings.Hidden, settings.LearningRate, settings.BatchSize, settings.KeepFraction,
        new ScorerSettings(scorer.Proxy.HiddenSizes, scorer.Proxy.EnsembleSize, Choices.Name(scorer.Proxy.Optimizer), scorer.Proxy.LearningRate, scorer.Batching.MaxBatchSize,
            scorer.Proxy.TrainMinibatchSize, scorer.Statistics.WarmupSamples, scorer.Proxy.BootstrapRate, scorer.Proxy.Seed),
        settings.DownstreamRepeats);

    private static ReportMachine Machine(string scorerDevice) => new(
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.ProcessArchitecture.ToString(),
        Environment.ProcessorCount,
        get_num_threads(),
        scorerDevice,
        "cpu");
}
