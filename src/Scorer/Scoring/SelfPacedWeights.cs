using EasyHard.Scorer.Proxy;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// How much the proxy trains on each sample: min(1, p̂ / τ_y), where p̂ is an out-of-sample probability of the
/// sample's given label y and τ_y = <c>Scorer:Proxy:SelfPacedThreshold</c> × (1 − a_y). A sample the proxy already finds
/// plausible trains in full; one whose label it finds unlikely, the likely mislabelled, trains less, so the proxy learns
/// the clean classes faster and its out-of-sample probabilities separate wrong labels better. This is self-paced
/// learning (Kumar, Packer &amp; Koller 2010) in the soft form that the small-loss selection of Co-teaching (Han et al.
/// 2018) takes: the evidence comes from models that never trained on the sample (the scoring pass for a new sample; for
/// a replayed one, the heads of its fold, which cross-fitting keeps off it), so a wrong label the proxy has not
/// memorised cannot vouch for itself. a_y is the trust in row y of the noise transition
/// (<see cref="ClassStatistics.RowTrust()"/>): where the transition's off-diagonal is flat, the chance that label y is
/// wrong falls as p̂ rises and p̂ is the evidence; where one flip dominates, a low p̂ also marks the clean samples near
/// the flip's boundary, which the proxy must keep learning, so the row trains in full.
/// </summary>
internal static class SelfPacedWeights
{
    /// <summary>min(1, p / τ); 1 when τ is 0 (off) or p is not a number.</summary>
    public static float Weight(double probabilityOfGivenLabel, double threshold) =>
        threshold <= 0 || double.IsNaN(probabilityOfGivenLabel) ? 1f : (float)Math.Clamp(probabilityOfGivenLabel / threshold, 0, 1);

    /// <summary>The threshold τ_y of each given label y: <paramref name="threshold"/> × (1 − a_y).</summary>
    public static double[] Thresholds(double threshold, double[] rowTrust) => Array.ConvertAll(rowTrust, a => threshold * (1 - a));

    /// <summary>
    /// From a scoring pass (logits [E, B, C], head-major, none of whose heads trained on the batch): the weight of each
    /// sample from the heads' mean probability of its given label.
    /// </summary>
    public static float[] FromScoringPass(float[] logits, long[] labels, int heads, int classes, double[] thresholds)
    {
        int n = labels.Length;
        var weights = new float[n];
        var probabilities = new float[logits.Length];
        Softmax.Rows(logits, probabilities, classes);
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int e = 0; e < heads; e++)
            {
                sum += probabilities[(((e * n) + i) * classes) + labels[i]];
            }

            weights[i] = Weight(sum / heads, thresholds[labels[i]]);
        }

        return weights;
    }

    /// <summary>
    /// For samples the heads may have trained on (replayed ones): the weight of each sample from the mean probability
    /// of its given label under the heads that never train on its fold; with cross-fitting off, under every head.
    /// </summary>
    public static float[] OutOfFold(ProxyEnsemble ensemble, Tensor features, long[] labels, int[] sampleFolds, FoldAssignment folds, double[] thresholds)
    {
        int n = labels.Length;
        var weights = new float[n];
        if (n == 0)
        {
            return weights;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sums = new double[n];
        var counts = new int[n];
        int classes = ensemble.Classes;
        for (int e = 0; e < ensemble.EnsembleSize; e++)
        {
            var rows = Enumerable.Range(0, n).Where(i => !folds.Enabled || !folds.Trains(e, sampleFolds[i])).ToArray();
            if (rows.Length == 0)
            {
                continue;
            }

            var x = rows.Length == n ? features : features.index_select(0, tensor(Array.ConvertAll(rows, i => (long)i)).to(features.device));
            var logits = ensemble.HeadLogits(e, x).to_type(ScalarType.Float32).cpu().data<float>().ToArray();
            var probabilities = new float[logits.Length];
            Softmax.Rows(logits, probabilities, classes);
            for (int r = 0; r < rows.Length; r++)
            {
                sums[rows[r]] += probabilities[(r * classes) + labels[rows[r]]];
                counts[rows[r]]++;
            }
        }

        for (int i = 0; i < n; i++)
        {
            weights[i] = Weight(counts[i] == 0 ? double.NaN : sums[i] / counts[i], thresholds[labels[i]]);
        }

        return weights;
    }

    /// <summary>Scales each head's row of [E, n] training weights by the per-sample weights.</summary>
    public static void Scale(float[] headWeights, float[] sampleWeights)
    {
        int n = sampleWeights.Length;
        for (int k = 0; k < headWeights.Length; k++)
        {
            headWeights[k] *= sampleWeights[k % n];
        }
    }
}
