using System.Globalization;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Quality;

/// <summary>
/// The quality targets EasyHard is held to, checked against the offline reference of the same run. The absolute
/// noise-detection bar (AUROC ≥ 0.985, within 0.002 of the best offline ranking) is set for symmetric noise; on
/// pair-flip noise, a systematic confusion, EasyHard must at least match the offline self-confidence ranking.
/// </summary>
public static class QualityTargets
{
    public const double NoiseAurocFloor = 0.985;
    public const double OfflineAurocSlack = 0.002;
    public const double OracleSlackPoints = 0.5;
    public const double DifficultySpearmanFloor = 0.85;
    public const double InfluenceMarginPoints = 0.5;
    public const double CalibrationTolerance = 0.05;
    public const double CleanlabSlackPoints = 0.3;
    public const double NoisyWeightRatioCeiling = 0.5;
    public const double CleanHarmPoints = 0.2;
    public const double ResampledMarginPoints = 0.5;

    public static IReadOnlyList<TargetCheck> Check(
        NoiseSpec noise, EasyHardFigures easyHard, OfflineFigures offline, DownstreamFigures downstream, InfluenceFigures influence, double trueNoiseRate)
    {
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(easyHard);
        ArgumentNullException.ThrowIfNull(offline);
        ArgumentNullException.ThrowIfNull(downstream);
        ArgumentNullException.ThrowIfNull(influence);
        var last = easyHard.LastExposure;
        var auroc = last.Noise.Auroc;
        var bestOffline = new[] { offline.SelfConfidence.Auroc, offline.NormalizedMargin.Auroc, offline.ConfidentJoint.RankedAuroc }.Max();
        var symmetric = noise.Kind == NoiseKind.Symmetric;
        var pairFlip = noise.Kind == NoiseKind.PairFlip;
        var anyNoise = noise.Kind != NoiseKind.None;
        return
        [
            new("noise AUROC", F(auroc, 4), $"≥ {F(NoiseAurocFloor, 3)} (symmetric noise)", symmetric ? auroc >= NoiseAurocFloor : null),
            new("noise AUROC vs best offline K-fold ranking", $"{F(auroc, 4)} vs {F(bestOffline, 4)}", $"≥ offline − {F(OfflineAurocSlack, 3)} (symmetric noise)",
                symmetric ? auroc >= bestOffline - OfflineAurocSlack : null),
            new("noise AUROC vs offline self-confidence", $"{F(auroc, 4)} vs {F(offline.SelfConfidence.Auroc, 4)}", "≥ offline (pair-flip noise)",
                pairFlip ? auroc >= offline.SelfConfidence.Auroc : null),
            new("downstream accuracy, EasyHard weights vs oracle", $"{P(downstream.EasyHardWeights)} vs {P(downstream.Oracle)}", $"≥ oracle − {F(OracleSlackPoints, 1)} point",
                anyNoise ? downstream.EasyHardWeights * 100 >= (downstream.Oracle * 100) - OracleSlackPoints : null),
            new("downstream accuracy, EasyHard weights vs unweighted", $"{P(downstream.EasyHardWeights)} vs {P(downstream.Unweighted)}", "> unweighted",
                anyNoise ? downstream.EasyHardWeights > downstream.Unweighted : null),
            new("downstream accuracy, EasyHard weights vs unweighted on clean data", $"{P(downstream.EasyHardWeights)} vs {P(downstream.Unweighted)}", $"≥ unweighted − {F(CleanHarmPoints, 1)} point (no noise)",
                anyNoise ? null : downstream.EasyHardWeights * 100 >= (downstream.Unweighted * 100) - CleanHarmPoints),
            new("downstream accuracy, EasyHard weights vs offline cleanlab pipeline", $"{P(downstream.EasyHardWeights)} vs {P(downstream.CleanlabPipeline)}",
                $"≥ cleanlab − {F(CleanlabSlackPoints, 1)} point (symmetric), ≥ cleanlab (pair flips)",
                symmetric ? downstream.EasyHardWeights * 100 >= (downstream.CleanlabPipeline * 100) - CleanlabSlackPoints
                    : pairFlip ? Math.Max(downstream.EasyHardWeights, downstream.EasyHardRelabel) >= downstream.CleanlabPipeline : null),
            new("downstream accuracy, resampled stream unweighted vs unweighted on all data", $"{P(downstream.Resampled)} vs {P(downstream.Unweighted)}", $"≥ unweighted + {F(ResampledMarginPoints, 1)} point (symmetric noise)",
                symmetric ? downstream.Resampled * 100 >= (downstream.Unweighted * 100) + ResampledMarginPoints : null),
            new("mean weight, noisy / clean", $"{F(last.MeanWeightNoisy, 3)} / {F(last.MeanWeightClean, 3)}", $"noisy ≤ {F(NoisyWeightRatioCeiling, 1)} × clean",
                anyNoise ? last.MeanWeightNoisy <= NoisyWeightRatioCeiling * last.MeanWeightClean : null),
            new("difficulty Spearman with offline 1 − p(given)", F(last.DifficultySpearman, 4), $"≥ {F(DifficultySpearmanFloor, 2)}", last.DifficultySpearman >= DifficultySpearmanFloor),
            new($"accuracy, {F(influence.KeepFraction * 100, 0)} % kept by influence vs at random", $"{P(influence.KeptByInfluence)} vs {P(influence.KeptAtRandom)}", $"≥ random + {F(InfluenceMarginPoints, 1)} point",
                influence.KeptByInfluence * 100 >= (influence.KeptAtRandom * 100) + InfluenceMarginPoints),
            new("calibration: mean noise vs true noise rate", $"{F(last.MeanNoise, 3)} vs {F(trueNoiseRate, 3)} (off by {F(Math.Abs(last.MeanNoise - trueNoiseRate), 3)})", $"within ± {F(CalibrationTolerance, 2)}",
                Math.Abs(last.MeanNoise - trueNoiseRate) <= CalibrationTolerance),
        ];
    }

    private static string F(double value, int digits) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string P(double accuracy) => (accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";
}
