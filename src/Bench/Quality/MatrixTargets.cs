using System.Globalization;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Quality;

/// <summary>
/// The detection targets of the quality matrix, each checked against the offline K-fold reference computed in the
/// same run on the same data. "Best offline" is the best of its rankings (self-confidence, normalized margin, the
/// confident joint's set then self-confidence).
/// </summary>
public static class MatrixTargets
{
    public const double SymmetricAurocFloor = 0.985;
    public const double SymmetricOfflineSlack = 0.002;
    public const double ShortStreamOfflineSlack = 0.01;
    public const int ShortStreamSamples = 20_000;
    public const double PairFlipMarginOverSelfConfidence = 0.05;
    public const double CleanMeanNoiseCeiling = 0.08;
    public const double CleanQuarantineCeiling = 0.01;
    public const double CalibrationTolerance = 0.05;
    public const double DifficultySpearmanFloor = 0.90;

    public static IReadOnlyList<TargetCheck> Check(MatrixCase c, RankingFigures easyHard, double bestOffline, OfflineFigures offline,
        double meanNoise, double trueRate, double quarantined, double spearman)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(easyHard);
        ArgumentNullException.ThrowIfNull(offline);
        var checks = new List<TargetCheck>();
        var (kind, rate) = (c.Noise.Kind, c.Noise.Rate);
        bool Is(NoiseKind k, double r) => kind == k && Math.Abs(rate - r) < 1e-9;
        double auroc = easyHard.Auroc;
        if (c.Data == MatrixData.FashionMnist && c.Count == 60_000 && c.Epochs == 1 && Is(NoiseKind.Symmetric, 0.4))
        {
            checks.Add(new("AUROC", F(auroc), $"≥ {F(SymmetricAurocFloor, 3)}", auroc >= SymmetricAurocFloor));
            checks.Add(new("AUROC vs best offline", $"{F(auroc)} vs {F(bestOffline)}", $"≥ offline − {F(SymmetricOfflineSlack, 3)}", auroc >= bestOffline - SymmetricOfflineSlack));
        }

        if (kind != NoiseKind.None && c.Count == ShortStreamSamples)
        {
            checks.Add(new("AUROC vs best offline (20k)", $"{F(auroc)} vs {F(bestOffline)}", $"≥ offline − {F(ShortStreamOfflineSlack, 2)}", auroc >= bestOffline - ShortStreamOfflineSlack));
        }

        if (Is(NoiseKind.PairFlip, 0.45))
        {
            double floor = offline.SelfConfidence.Auroc + PairFlipMarginOverSelfConfidence;
            checks.Add(new("AUROC vs offline self-confidence + 0.05", $"{F(auroc)} vs {F(floor)}", "≥", auroc >= floor));
        }

        if (Is(NoiseKind.PairFlip, 0.3))
        {
            checks.Add(new("AUROC vs best offline", $"{F(auroc)} vs {F(bestOffline)}", "≥ offline", auroc >= bestOffline));
        }

        if (kind != NoiseKind.None && c.Epochs == 3)
        {
            checks.Add(new("AUROC vs best offline (3 epochs)", $"{F(auroc)} vs {F(bestOffline)}", "≥ offline", auroc >= bestOffline));
        }

        if (kind == NoiseKind.None)
        {
            checks.Add(new("mean noise, no noise injected", F(meanNoise, 3), $"≤ {F(CleanMeanNoiseCeiling, 2)}", meanNoise <= CleanMeanNoiseCeiling));
            checks.Add(new("quarantined, no noise injected", $"{quarantined:P2}", $"≤ {CleanQuarantineCeiling:P0}", quarantined <= CleanQuarantineCeiling));
        }
        else
        {
            checks.Add(new("mean noise vs true rate", $"{F(meanNoise, 3)} vs {F(trueRate, 3)}", $"within ± {F(CalibrationTolerance, 2)}", Math.Abs(meanNoise - trueRate) <= CalibrationTolerance));
        }

        if (Is(NoiseKind.Symmetric, 0.4))
        {
            checks.Add(new("difficulty Spearman", F(spearman), $"≥ {F(DifficultySpearmanFloor, 2)}", spearman >= DifficultySpearmanFloor));
        }

        return checks;
    }

    /// <summary>
    /// The downstream targets of a case, on the accuracies of fresh MLPs trained under each weighting: on every noisy
    /// case the mislabelled samples keep at most half the clean ones' mean weight and the weights beat training
    /// unweighted; without noise they cost at most <see cref="QualityTargets.CleanHarmPoints"/>; on the one-pass 60k
    /// Fashion-MNIST stream the weights are held to the oracle and to the offline cleanlab pipeline, and the resampled
    /// stream to training on all data, as in the single-case benchmark.
    /// </summary>
    public static IReadOnlyList<TargetCheck> CheckDownstream(MatrixCase c, DownstreamFigures downstream, double meanWeightNoisy, double meanWeightClean)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(downstream);
        if (c.Noise.Kind == NoiseKind.None)
        {
            return [QualityTargets.WeightsDoNoHarm(downstream, applies: true)];
        }

        var checks = new List<TargetCheck>
        {
            QualityTargets.WeightRatio(meanWeightNoisy, meanWeightClean, applies: true),
            QualityTargets.WeightsAboveUnweighted(downstream, applies: true),
        };
        var headline = c.Data == MatrixData.FashionMnist && c.Count == 60_000 && c.Epochs == 1;
        if (headline && c.Noise.Kind == NoiseKind.Symmetric && Math.Abs(c.Noise.Rate - 0.4) < 1e-9)
        {
            checks.Add(QualityTargets.WeightsVsOracle(downstream, applies: true));
            checks.Add(QualityTargets.WeightsVsCleanlab(downstream, c.Noise));
            checks.Add(QualityTargets.ResampledAboveUnweighted(downstream, applies: true));
        }

        if (headline && c.Noise.Kind == NoiseKind.PairFlip)
        {
            checks.Add(QualityTargets.WeightsVsCleanlab(downstream, c.Noise));
        }

        return checks;
    }

    private static string F(double value, int digits = 4) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
}
