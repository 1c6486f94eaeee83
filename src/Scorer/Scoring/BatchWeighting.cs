using EasyHard.Scorer.Weighting;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The weights a batch's records carry: 1 while a sample is warming, else the product of the weight policies
/// (<c>Scorer:Weighting</c>), renormalized over a window of recent weights so their mean stays 1.
/// </summary>
internal sealed class BatchWeighting(ScorerOptions options, ClassStatistics statistics)
{
    private readonly WeightPolicySet policies = new(options);

    /// <summary>The window the weights' mean is held at 1 over; a checkpoint carries it.</summary>
    public WeightRenormalizer Renormalizer { get; } = new(options.Weighting.RenormalizationWindow);

    /// <summary>
    /// The loss the loss policy weighs: the proxy's <paramref name="loss"/> minus the reference model's where
    /// <c>Scorer:Weighting:LossSource</c> is reducible and a reference is loaded (RHO-LOSS), else a copy of the proxy's.
    /// The caller may write trainer losses into it.
    /// </summary>
    public float[] PolicyLoss(float[] loss, float[] referenceLoss, bool hasReference) =>
        policies.ReducibleLoss && hasReference
            ? loss.Select((l, i) => l - referenceLoss[i]).ToArray()
            : (float[])loss.Clone();

    /// <summary>
    /// Weights of the batch: 1 for warming samples, the policy product renormalized for the <paramref name="active"/>
    /// ones. <paramref name="samplesSeen"/> counts the samples before this batch.
    /// </summary>
    public double[] Compute(List<int> active, int[] labels, float[] policyLoss, float[] noise, float[] difficulty, float[] influence, long samplesSeen)
    {
        var weights = new double[labels.Length];
        Array.Fill(weights, 1.0);
        if (active.Count == 0)
        {
            return weights;
        }

        double total = statistics.ConfidenceWeight.Sum();
        var inputs = new PolicyInputs(
            [.. active.Select(i => noise[i])],
            [.. active.Select(i => policyLoss[i])],
            [.. active.Select(i => difficulty[i])],
            [.. active.Select(i => influence[i])],
            [.. active.Select(i => total > 0 ? statistics.ConfidenceWeight[labels[i]] / total * statistics.Classes : 1.0)],
            Math.Max(0, samplesSeen - options.Statistics.WarmupSamples),
            samplesSeen >= (long)options.Statistics.WarmupSamples + options.Weighting.LossPolicyBurnInSamples);
        var activeWeights = new double[active.Count];
        policies.Combine(inputs, activeWeights);
        Renormalizer.Renormalize(activeWeights);
        for (int k = 0; k < active.Count; k++)
        {
            weights[active[k]] = activeWeights[k];
        }

        return weights;
    }
}
