using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using EasyHard.Core.Configuration;
using EasyHard.Evaluation.Datasets;
using EasyHard.Evaluation.Metrics;
using EasyHard.Scorer;
using EasyHard.Scorer.Proxy;
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
        using var givenLabels = tensor(noisy.Given.Select(l => (long)l).ToArray());
        progress.WriteLine($"bench quality: {train.Count:N0} {train.Name} samples, noise {settings.Noise} (realized {noisy.RealizedRate:P1}), seed {settings.Seed}, {test.Count:N0} test samples");
        EndStage("load");

        // EasyHard: the pipeline's scoring core over the stream.
        var image = new ImageShape(1, FashionMnist.Side, FashionMnist.Side);
        var stream = EasyHardStream.Run(scorerOptions, samples, train.Dimension, classes, settings.Epochs, settings.Seed, progress, image);
        EndStage("easyhard_stream");

        // Offline reference: K-fold cross-validated probabilities, from the samples as the proxy sees them.
        var (referenceFeatures, referenceDimension) = ReferenceInputs(scorerOptions.Proxy, image, train);
        using var referenceInputs = referenceFeatures;
        var outOfFold = CrossValidatedProbabilities(settings, referenceInputs, givenLabels, noisy.Given, referenceDimension, classes, progress, stage);
        var offline = Offline(outOfFold, noisy, classes);
        EndStage("offline_cross_validation");

        // A second reference, other folds and initialisations: how far two offline runs agree on difficulty.
        var secondOutOfFold = CrossValidatedProbabilities(settings with { Seed = settings.Seed + 1 }, referenceInputs, givenLabels, noisy.Given, referenceDimension, classes, progress, stage);
        var offlineDifficultyAgreement = Spearman.Compute(SelfConfidenceNoise(outOfFold, noisy.Given, classes), SelfConfidenceNoise(secondOutOfFold, noisy.Given, classes));
        EndStage("offline_second_reference");

        // Downstream: fresh models under each weighting, scored on the clean test split.
        using var arms = new DownstreamArms(settings, trainFeatures, givenLabels, test, progress);
        var allRows = Enumerable.Range(0, train.Count).ToArray();
        var downstream = arms.Measure(stream.Last, noisy, [.. samples.Select(s => s.Id)], offline.ConfidentJoint.Flagged);
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
            arms.Accuracy(null, byInfluence, $"{settings.KeepFraction:P0} kept by |influence| (per-class quotas, judged clean first)"),
            arms.Accuracy(null, bySignedInfluence, $"{settings.KeepFraction:P0} kept by signed influence (per-class quotas, judged clean first)"),
            arms.Accuracy(null, byNoise, $"{settings.KeepFraction:P0} kept by lowest noise (per-class quotas)"),
            arms.Accuracy(null, byDifficulty, $"{settings.KeepFraction:P0} kept by difficulty (per-class quotas, judged clean first)"),
            arms.Accuracy(null, atRandom, $"{settings.KeepFraction:P0} kept at random"),
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
            Settings(settings, scorerOptions, train, test, noisy, stream.ModelDimension),
            Machine(stream.Device),
            startedAt,
            Math.Round(total.Elapsed.TotalSeconds, 1),
            Math.Round(Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds, 1),
            stages,
            easyHard,
            offline,
            downstream,
            influence,
            offlineDifficultyAgreement,
            QualityTargets.Check(settings.Noise, easyHard, offline, downstream, influence, noisy.RealizedRate));
        return report;
    }

    /// <summary>
    /// Out-of-fold probabilities: for each of K stratified folds, a fresh model trained on the other K−1 folds predicts
    /// the held-out one (cleanlab's <c>estimate_cv_predicted_probabilities</c>), so no sample is scored by a model that
    /// saw it. The models are given <see cref="ReferenceInputs"/>.
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

    /// <summary>
    /// The offline reference's inputs, [samples, dimension]: the samples as the scorer's proxy sees them
    /// (<see cref="ProxyView"/>: with its image features where they are on), so that EasyHard's one pass is held to K
    /// folds on equal inputs. The caller owns the tensor.
    /// </summary>
    internal static (Tensor Features, int Dimension) ReferenceInputs(ProxyOptions proxy, ImageShape image, DenseDataset data)
    {
        var (view, dimension) = ProxyView.Of(proxy, image, data.Features, data.Dimension);
        return (tensor(view, [data.Count, dimension]), dimension);
    }

    /// <summary>Distinct, reproducible seeds for the models and shuffles of one run.</summary>
    internal static int ModelSeed(int seed, int purpose) => unchecked((seed * 1009) + purpose);

    internal static ReferenceMlp NewModel(QualitySettings settings, int dimension, int classes, int seed) =>
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

    private static ReportSettings Settings(QualitySettings settings, ScorerOptions scorer, DenseDataset train, DenseDataset test, NoisyLabels noisy, int proxyDimension) => new(
        train.Name, train.Dimension, proxyDimension, train.Classes, train.Count, test.Count, settings.Noise.ToString(), noisy.RealizedRate, noisy.IsNoisy.LongCount(n => n), settings.Seed,
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
