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
            WeightsVsOracle(downstream, applies: anyNoise),
            WeightsAboveUnweighted(downstream, applies: anyNoise),
            WeightsDoNoHarm(downstream, applies: !anyNoise),
            WeightsVsCleanlab(downstream, noise),
            ResampledAboveUnweighted(downstream, applies: symmetric),
            WeightRatio(last.MeanWeightNoisy, last.MeanWeightClean, applies: anyNoise),
            new("difficulty Spearman with offline 1 − p(given)", F(last.DifficultySpearman, 4), $"≥ {F(DifficultySpearmanFloor, 2)}", last.DifficultySpearman >= DifficultySpearmanFloor),
            new($"accuracy, {F(influence.KeepFraction * 100, 0)} % kept by influence vs at random", $"{P(influence.KeptByInfluence)} vs {P(influence.KeptAtRandom)}", $"≥ random + {F(InfluenceMarginPoints, 1)} point",
                influence.KeptByInfluence * 100 >= (influence.KeptAtRandom * 100) + InfluenceMarginPoints),
            new("calibration: mean noise vs true noise rate", $"{F(last.MeanNoise, 3)} vs {F(trueNoiseRate, 3)} (off by {F(Math.Abs(last.MeanNoise - trueNoiseRate), 3)})", $"within ± {F(CalibrationTolerance, 2)}",
                Math.Abs(last.MeanNoise - trueNoiseRate) <= CalibrationTolerance),
        ];
    }

    /// <summary>EasyHard's weights against the oracle's 0 / 1 (Passed null where it does not apply).</summary>
    internal static TargetCheck WeightsVsOracle(DownstreamFigures downstream, bool applies) =>
        new("downstream accuracy, EasyHard weights vs oracle", $"{P(downstream.EasyHardWeights)} vs {P(downstream.Oracle)}", $"≥ oracle − {F(OracleSlackPoints, 1)} point",
            applies ? downstream.EasyHardWeights * 100 >= (downstream.Oracle * 100) - OracleSlackPoints : null);

    internal static TargetCheck WeightsAboveUnweighted(DownstreamFigures downstream, bool applies) =>
        new("downstream accuracy, EasyHard weights vs unweighted", $"{P(downstream.EasyHardWeights)} vs {P(downstream.Unweighted)}", "> unweighted",
            applies ? downstream.EasyHardWeights > downstream.Unweighted : null);

    internal static TargetCheck WeightsDoNoHarm(DownstreamFigures downstream, bool applies) =>
        new("downstream accuracy, EasyHard weights vs unweighted on clean data", $"{P(downstream.EasyHardWeights)} vs {P(downstream.Unweighted)}", $"≥ unweighted − {F(CleanHarmPoints, 1)} point (no noise)",
            applies ? downstream.EasyHardWeights * 100 >= (downstream.Unweighted * 100) - CleanHarmPoints : null);

    /// <summary>
    /// Against the offline cleanlab pipeline: within <see cref="CleanlabSlackPoints"/> on symmetric noise; on pair
    /// flips the better of the weights and the suggested labels at least matches it; null without noise.
    /// </summary>
    internal static TargetCheck WeightsVsCleanlab(DownstreamFigures downstream, NoiseSpec noise) =>
        new("downstream accuracy, EasyHard weights vs offline cleanlab pipeline", $"{P(downstream.EasyHardWeights)} vs {P(downstream.CleanlabPipeline)}",
            $"≥ cleanlab − {F(CleanlabSlackPoints, 1)} point (symmetric), ≥ cleanlab (pair flips)",
            noise.Kind == NoiseKind.Symmetric ? downstream.EasyHardWeights * 100 >= (downstream.CleanlabPipeline * 100) - CleanlabSlackPoints
                : noise.Kind == NoiseKind.PairFlip ? Math.Max(downstream.EasyHardWeights, downstream.EasyHardRelabel) >= downstream.CleanlabPipeline : null);

    internal static TargetCheck ResampledAboveUnweighted(DownstreamFigures downstream, bool applies) =>
        new("downstream accuracy, resampled stream unweighted vs unweighted on all data", $"{P(downstream.Resampled)} vs {P(downstream.Unweighted)}", $"≥ unweighted + {F(ResampledMarginPoints, 1)} point (symmetric noise)",
            applies ? downstream.Resampled * 100 >= (downstream.Unweighted * 100) + ResampledMarginPoints : null);

    internal static TargetCheck WeightRatio(double meanWeightNoisy, double meanWeightClean, bool applies) =>
        new("mean weight, noisy / clean", $"{F(meanWeightNoisy, 3)} / {F(meanWeightClean, 3)}", $"noisy ≤ {F(NoisyWeightRatioCeiling, 1)} × clean",
            applies ? meanWeightNoisy <= NoisyWeightRatioCeiling * meanWeightClean : null);

    private static string F(double value, int digits) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string P(double accuracy) => (accuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";
}
