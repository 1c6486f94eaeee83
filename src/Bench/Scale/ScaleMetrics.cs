using EasyHard.Evaluation.Datasets;
using EasyHard.Evaluation.Metrics;

namespace EasyHard.Bench.Scale;

/// <summary>How well one run's scores find the injected noise: over the samples that were scored (noise not NaN).</summary>
/// <param name="Scored">Samples with a score.</param>
public sealed record ScaleMetrics(long Scored, double NoiseAuroc, double NoiseAveragePrecision, double MeanWeightNoisy, double MeanWeightClean)
{
    public double WeightRatio => MeanWeightClean == 0 ? double.NaN : MeanWeightNoisy / MeanWeightClean;

    public static ScaleMetrics Of(IReadOnlyList<LabelledSample> samples, IReadOnlyList<float> noise, IReadOnlyList<float> weight)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var scores = new List<double>(samples.Count);
        var noisy = new List<bool>(samples.Count);
        double weightNoisy = 0, weightClean = 0;
        int countNoisy = 0, countClean = 0;
        for (var i = 0; i < samples.Count; i++)
        {
            if (float.IsNaN(noise[i]))
            {
                continue;
            }

            scores.Add(noise[i]);
            noisy.Add(samples[i].IsNoisy);
            if (samples[i].IsNoisy)
            {
                weightNoisy += weight[i];
                countNoisy++;
            }
            else
            {
                weightClean += weight[i];
                countClean++;
            }
        }

        return new ScaleMetrics(scores.Count, Auroc.Compute(scores, noisy), AveragePrecision.Compute(scores, noisy),
            countNoisy == 0 ? 0 : weightNoisy / countNoisy, countClean == 0 ? 0 : weightClean / countClean);
    }
}
