using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace EasyHard.Bench.Quality;

/// <summary>Renders a <see cref="QualityReport"/> as the markdown table (quality.md) and as JSON (quality.json).</summary>
public static class QualityReportWriter
{
    public const string MarkdownFile = "quality.md";
    public const string JsonFile = "quality.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,

        // An undefined figure (e.g. AUROC without noisy samples) is written as "NaN" rather than failing the run.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes quality.md and quality.json into <paramref name="directory"/> (created when missing).</summary>
    public static void Write(QualityReport report, string directory)
    {
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, MarkdownFile), ToMarkdown(report));
        File.WriteAllText(Path.Combine(directory, JsonFile), ToJson(report));
    }

    public static string ToJson(QualityReport report) => JsonSerializer.Serialize(report, JsonOptions);

    public static string ToMarkdown(QualityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = report.Settings;
        var m = report.Machine;
        var last = report.EasyHard.LastExposure;
        var first = report.EasyHard.FirstEpoch;
        var offline = report.Offline;
        var cj = offline.ConfidentJoint;
        var architecture = Architecture(s.ProxyDimension, s.Hidden, s.Classes);
        var lastLabel = s.Epochs == 1 ? "EasyHard `noise` (1 epoch)" : $"EasyHard `noise`, last exposure (epoch {s.Epochs})";
        var md = new StringBuilder();
        void Line(FormattableString text) => md.Append(text.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"## EasyHard quality: {s.Dataset}, {s.Count:N0} samples, noise {s.Noise}, seed {s.Seed}");
        Line($"");
        Line($"Realized noise rate {s.RealizedNoiseRate:P2} ({s.NoisySamples:N0} labels changed).");
        Line($"EasyHard: the pipeline's scoring engine, {s.Scorer.EnsembleSize} × {Architecture(s.ProxyDimension, s.Scorer.HiddenSizes, s.Classes)} {s.Scorer.Optimizer} heads, {s.Epochs} epoch(s) of the stream; scores of every sample's last exposure.");
        Line($"Offline reference: {s.Folds}-fold cross-validated probabilities of a fresh {architecture} MLP (Adam, lr {s.LearningRate}, batch {s.BatchSize}, {s.TrainEpochs} epochs){InputsOf(s)}.");
        Line($"Downstream: a {Architecture(s.Dimension, s.Hidden, s.Classes)} MLP trained {s.TrainEpochs} epochs on the noisy data, accuracy on {s.TestCount:N0} clean test samples, the mean of {s.DownstreamRepeats} fresh models per arm (initialisations and batch orders).");
        Line($"{m.ProcessorCount} cores ({m.Architecture}, {m.TorchThreads} torch threads), scorer on {m.ScorerDevice}; {report.DurationSeconds:F0} s wall, {report.CpuSeconds:F0} s CPU.");
        Line($"");

        Line($"| target | measured | required | result |");
        Line($"|---|---|---|---|");
        foreach (var t in report.Targets)
        {
            Line($"| {t.Check} | {t.Measured} | {t.Target} | {t.Passed switch { true => "pass", false => "**FAIL**", null => "n/a" }} |");
        }

        Line($"");
        Line($"| noise detection (truth: label changed) | AUROC | AP | precision | recall | F1 | flagged |");
        Line($"|---|---|---|---|---|---|---|");
        Line($"| {lastLabel}; set: noise ≥ 0.5 | {F4(last.Noise.Auroc)} | {F4(last.Noise.AveragePrecision)} | {SetCells(last.FlaggedAtHalf)} |");
        Line($"| … scored after warm-up only ({last.ScoredAfterWarmup:N0}) | {F4(last.NoiseAfterWarmup.Auroc)} | {F4(last.NoiseAfterWarmup.AveragePrecision)} | | | | |");
        if (first is not null)
        {
            Line($"| EasyHard `noise`, epoch 1 of {s.Epochs}; set: noise ≥ 0.5 | {F4(first.Noise.Auroc)} | {F4(first.Noise.AveragePrecision)} | {SetCells(first.FlaggedAtHalf)} |");
        }

        Line($"| offline {s.Folds}-fold, self-confidence 1 − p(given) | {F4(offline.SelfConfidence.Auroc)} | {F4(offline.SelfConfidence.AveragePrecision)} | | | | |");
        Line($"| offline {s.Folds}-fold, normalized margin | {F4(offline.NormalizedMargin.Auroc)} | {F4(offline.NormalizedMargin.AveragePrecision)} | | | | |");
        Line($"| offline {s.Folds}-fold, confident joint `prune_by_noise_rate` (AUROC: set first, then self-confidence) | {F4(cj.RankedAuroc)} | | {SetCells(cj.Set)} |");
        Line($"");

        Line($"| scores | EasyHard | reference |");
        Line($"|---|---|---|");
        Line($"| difficulty: Spearman ρ with offline 1 − p(given) | {F4(last.DifficultySpearman)}{FirstEpoch(first, f => F4(f.DifficultySpearman))} | a second offline run (other folds and initialisations): {F4(report.OfflineDifficultyAgreement)} |");
        Line($"| calibration: mean `noise` | {F3(last.MeanNoise)}{FirstEpoch(first, f => F3(f.MeanNoise))} | true rate {F3(s.RealizedNoiseRate)}; confident-joint estimate {F3(cj.EstimatedNoiseRate)} |");
        Line($"| calibration: expected calibration error of `noise` (10 bins) | {F3(last.NoiseCalibrationError)}{FirstEpoch(first, f => F3(f.NoiseCalibrationError))} | 0: `noise` = p means a share p of such labels is wrong |");
        Line($"| mean weight, noisy / clean samples | {F3(last.MeanWeightNoisy)} / {F3(last.MeanWeightClean)}{FirstEpoch(first, f => $"{F3(f.MeanWeightNoisy)} / {F3(f.MeanWeightClean)}")} | oracle 0 / 1 |");
        Line($"| proxy: prequential accuracy (given labels) | {F3(report.EasyHard.ProxyAccuracy)} | offline CV accuracy {F3(offline.CvAccuracyGiven)} given, {F3(offline.CvAccuracyTrue)} true labels |");
        Line($"");

        var d = report.Downstream;
        var i = report.Influence;
        var keep = (i.KeepFraction * 100).ToString("F0", CultureInfo.InvariantCulture) + " %";
        Line($"| downstream: fresh MLP, {s.TrainEpochs} epochs on the noisy data | clean test accuracy | noisy share of the training signal | smallest class share |");
        Line($"|---|---|---|---|");
        Line($"| unweighted, all samples | {Pct(d.Unweighted)} | {Pct(s.RealizedNoiseRate)} | |");
        Line($"| EasyHard weights (loss × weight) | {Pct(d.EasyHardWeights)} | {Pct(d.EasyHardNoisyShare)} | |");
        Line($"| diagnostic: (1 − `noise`) only, no loss policy | {Pct(d.NoiseFactorOnly)} | {Pct(d.NoiseFactorNoisyShare)} | |");
        Line($"| EasyHard suggested labels × their probability ({Pct(d.RelabelCorrect)} of them true) | {Pct(d.EasyHardRelabel)} | | |");
        Line($"| EasyHard weights + suggested labels where they differ (loss × weight + p × loss under the suggestion) | {Pct(d.EasyHardWeightsCorrected)} | | |");
        Line($"| offline cleanlab pipeline: {s.Folds}-fold CV, prune_by_noise_rate, retrain | {Pct(d.CleanlabPipeline)} | | |");
        Line($"| resampled trainer stream (`Sink:TrainerStream:Sampling=resample`, records {Pct(d.ResampledShare)} of the samples, copies counted), unweighted | {Pct(d.Resampled)} | | |");
        Line($"| oracle weights (0 on noisy) | {Pct(d.Oracle)} | 0.00 % | |");
        Line($"| {keep} kept by EasyHard influence (per-class quotas, judged clean first, largest magnitude of influence) | {Pct(i.KeptByInfluence)} | {Pct(i.NoisyShareByInfluence)} | {Pct(i.SmallestClassShareByInfluence)} |");
        Line($"| diagnostic: {keep} kept by signed influence (the same, highest influence first) | {Pct(i.KeptBySignedInfluence)} | | |");
        Line($"| {keep} kept by lowest EasyHard noise (per-class quotas) | {Pct(i.KeptByLowestNoise)} | | |");
        Line($"| {keep} kept by EasyHard difficulty (per-class quotas, judged clean first, hardest) | {Pct(i.KeptByDifficulty)} | | |");
        Line($"| {keep} kept at random | {Pct(i.KeptAtRandom)} | {Pct(i.NoisyShareAtRandom)} | {Pct(i.SmallestClassShareAtRandom)} |");
        return md.ToString();
    }

    private static string Architecture(int dimension, IReadOnlyList<int> hidden, int classes) => string.Join("-", new[] { dimension }.Concat(hidden).Append(classes));

    /// <summary>Where the proxy sees more than the pixels, the reference is given the same view: equal inputs.</summary>
    private static string InputsOf(ReportSettings s) =>
        s.ProxyDimension == s.Dimension ? string.Empty : $" on the samples as the proxy sees them ({s.Dimension} pixels and {s.ProxyDimension - s.Dimension} image features)";

    private static string FirstEpoch(ExposureFigures? first, Func<ExposureFigures, string> format) =>
        first is null ? string.Empty : $" (epoch 1: {format(first)})";

    private static string SetCells(SetFigures set) => $"{F3(set.Precision)} | {F3(set.Recall)} | {F3(set.F1)} | {set.Flagged:N0}";

    private static string F4(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    private static string F3(double value) => double.IsFinite(value) ? value.ToString("F3", CultureInfo.InvariantCulture) : "–";

    private static string Pct(double value) => (value * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";
}
