using System.Globalization;
using System.Text;
using EasyHard.Bench.Common;

namespace EasyHard.Bench.Quality;

/// <summary>The quality matrix of one run: a row per case, and the reference's budget.</summary>
public sealed record MatrixReport(DateTimeOffset StartedAt, double WallSeconds, int Seed, int Folds, int OfflineEpochs, IReadOnlyList<MatrixRow> Rows)
{
    public const string Name = "quality-matrix";

    public int TargetsPassed => Rows.Sum(r => r.Targets.Count(t => t.Passed == true));

    public int TargetsChecked => Rows.Sum(r => r.Targets.Count(t => t.Passed is not null));

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"## EasyHard quality matrix, seed {Seed}, {StartedAt:yyyy-MM-dd HH:mm} UTC, {WallSeconds:F0} s\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Offline reference: {Folds}-fold cross-validated MLPs, {OfflineEpochs} epochs each, on the same data as the proxy sees it (with its image features, where they are on). Noise AUROC over every sample's last exposure.\n\n");
        var table = new MarkdownTable("case", "samples", "true rate", "EasyHard AUROC", "first exposure", "offline self-conf.", "best offline", "mean noise", "noise ECE", "quarantined", "difficulty ρ", "weight noisy / clean");
        foreach (var r in Rows)
        {
            table.Add(r.Case, r.Samples.ToString("N0", CultureInfo.InvariantCulture), F(r.TrueNoiseRate, 3), F(r.EasyHard.Auroc), r.EasyHardFirstExposure is { } f ? F(f.Auroc) : "",
                F(r.Offline.SelfConfidence.Auroc), F(r.BestOfflineAuroc), F(r.MeanNoise, 3), F(r.NoiseCalibrationError, 3), r.QuarantinedShare.ToString("P2", CultureInfo.InvariantCulture),
                F(r.DifficultySpearman), $"{F(r.MeanWeightNoisy, 3)} / {F(r.MeanWeightClean, 3)}");
        }

        text.Append(table).Append('\n');
        text.Append("Downstream: clean-test accuracy of fresh MLPs (the offline models' hidden layers and epochs, on the samples as they arrive; the mean of each arm's models) trained on the case's data under each weighting.\n\n");
        var downstream = new MarkdownTable("case", "unweighted", "EasyHard weights", "weights + suggested labels", "suggested labels", "resampled stream", "oracle", "offline cleanlab pipeline");
        foreach (var r in Rows)
        {
            var d = r.Downstream;
            downstream.Add(r.Case, P(d.Unweighted), P(d.EasyHardWeights), P(d.EasyHardWeightsCorrected), P(d.EasyHardRelabel), P(d.Resampled), P(d.Oracle), P(d.CleanlabPipeline));
        }

        text.Append(downstream).Append('\n');
        var targets = new MarkdownTable("case", "target", "measured", "required", "result");
        foreach (var r in Rows)
        {
            foreach (var t in r.Targets)
            {
                targets.Add(r.Case, t.Check, t.Measured, t.Target, t.Passed switch { true => "pass", false => "**FAIL**", null => "n/a" });
            }
        }

        text.Append(CultureInfo.InvariantCulture, $"Targets: {TargetsPassed} of {TargetsChecked} pass.\n\n").Append(targets);
        return text.ToString();
    }

    private static string P(double accuracy) => double.IsFinite(accuracy) ? (accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + " %" : "–";

    private static string F(double value, int digits = 4) => double.IsFinite(value) ? value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "–";
}
