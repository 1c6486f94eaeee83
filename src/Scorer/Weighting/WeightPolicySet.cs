namespace EasyHard.Scorer.Weighting;

/// <summary>
/// The enabled policies and their parameters, parsed once from <see cref="ScorerOptions"/>. A sample's weight is the
/// product of the enabled factors, clipped to [w_min, w_max]; <see cref="WeightRenormalizer"/> then holds the mean at 1.
/// </summary>
public sealed class WeightPolicySet
{
    public WeightPolicySet(ScorerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var w = options.Weighting;
        var enabled = w.EnabledPolicies();
        Noise = enabled.Contains("noise");
        Loss = enabled.Contains("loss");
        Curriculum = enabled.Contains("curriculum");
        Balance = enabled.Contains("balance");
        Influence = enabled.Contains("influence");
        Shape = w.LossShape;
        ReducibleLoss = w.LossSource == LossSource.Reducible;
        GateLossByPosterior = w.LossGate == LossGate.Posterior;
        Options = options;
    }

    public bool Noise { get; }

    public bool Loss { get; }

    public bool Curriculum { get; }

    public bool Balance { get; }

    public bool Influence { get; }

    public LossShape Shape { get; }

    /// <summary>The loss policy scores reducible loss instead of the proxy loss.</summary>
    public bool ReducibleLoss { get; }

    /// <summary>The loss policy weighs loss × (1 − noise)^k (<c>Scorer:Weighting:LossGate</c> posterior, k <c>:LossGateExponent</c>).</summary>
    public bool GateLossByPosterior { get; }

    public ScorerOptions Options { get; }

    /// <summary>Raw (clipped, not yet renormalized) weights of the batch's active samples.</summary>
    public void Combine(PolicyInputs inputs, Span<double> weights)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        int n = inputs.Noise.Length;
        var o = Options;
        if (Loss && inputs.LossPolicyActive)
        {
            LossPolicy.Compute(GateLossByPosterior ? GatedLoss(inputs, (float)o.Weighting.LossGateExponent) : inputs.Loss, Shape, o.Weighting.LossPolicyDelta, o.Weighting.LossPolicyTemperature, weights);
        }
        else
        {
            weights[..n].Fill(1.0);
        }

        if (Influence)
        {
            InfluenceFactor.Apply(inputs.Influence, o.Weighting.InfluenceBeta, o.Weighting.InfluenceMaxFactor, weights);
        }

        double alpha = BalanceFactor.Alpha(o.Weighting.BalanceAlpha, inputs.Clock, o.Weighting.BalanceCoolingSamples);
        for (int i = 0; i < n; i++)
        {
            double w = weights[i];
            if (Noise)
            {
                w *= NoiseFactor.Compute(inputs.Noise[i], o.Weighting.NoiseGamma);
            }

            if (Curriculum)
            {
                w *= CurriculumFactor.Compute(inputs.Difficulty[i], inputs.Clock, o.Weighting.CurriculumPaceSamples);
            }

            if (Balance)
            {
                w *= BalanceFactor.Compute(inputs.ClassShare[i], alpha);
            }

            weights[i] = Math.Clamp(w, o.Weighting.WeightMin, o.Weighting.WeightMax);
        }
    }

    /// <summary>
    /// loss × (1 − noise): the loss the policy would give a sample if its label is right, times the probability that
    /// it is. A mislabelled sample has the highest loss of its batch, and the loss policy of Sow et al. 2025, made for
    /// clean pretraining data, would lift it most; gated, high weight goes to the hard samples judged clean.
    /// </summary>
    private static float[] GatedLoss(PolicyInputs inputs, float exponent)
    {
        var gated = new float[inputs.Loss.Length];
        for (int i = 0; i < gated.Length; i++)
        {
            gated[i] = inputs.Loss[i] * MathF.Pow(Math.Clamp(1f - inputs.Noise[i], 0f, 1f), exponent);
        }

        return gated;
    }
}
