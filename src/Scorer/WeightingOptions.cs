using System.ComponentModel.DataAnnotations;
using EasyHard.Scorer.Weighting;

namespace EasyHard.Scorer;

/// <summary>
/// Which weight policies run and how, the weights' range and renormalization, and quarantine (section
/// <c>Scorer:Weighting</c>). Validated at start by <see cref="ScorerOptionsValidator"/> (keys named in errors).
/// </summary>
public sealed class WeightingOptions
{
    /// <summary>Where the keys live (bound as <see cref="ScorerOptions.Weighting"/>, not as a section of its own).</summary>
    public const string KeyPrefix = "Scorer:Weighting";

    /// <summary>Every policy name <see cref="Policies"/> may list.</summary>
    public static IReadOnlyList<string> KnownPolicies { get; } = ["noise", "loss", "curriculum", "balance", "influence"];

    /// <summary>Comma-separated enabled policies, multiplied in this order: noise, loss, curriculum, balance, influence.</summary>
    [Required(AllowEmptyStrings = true)] public string Policies { get; set; } = "noise,loss";

    /// <summary>Loss policy shape f(h): <c>linupper</c>, <c>quadratic</c>, <c>extremes</c> or <c>uniform</c> (Sow et al. 2025).</summary>
    [EnumDataType(typeof(LossShape))] public LossShape LossShape { get; set; } = LossShape.LinUpper;

    /// <summary>
    /// What the loss policy scores: <c>proxy</c> (proxy loss) or <c>reducible</c> (loss − reference loss, needs
    /// <c>Scorer:ReferenceModelPath</c>). Trainer feedback replaces either for the ids it covers.
    /// </summary>
    [EnumDataType(typeof(LossSource))] public LossSource LossSource { get; set; } = LossSource.Proxy;

    /// <summary>
    /// What decides first when the noise and loss policies are both on: <c>posterior</c> (the loss policy weighs each
    /// sample's loss times its clean posterior 1 − noise, so a likely-mislabelled sample, the highest-loss sample of
    /// its batch, can never be lifted by it; weight moves among the samples judged clean) or <c>none</c> (the raw loss).
    /// </summary>
    [EnumDataType(typeof(LossGate))] public LossGate LossGate { get; set; } = LossGate.Posterior;

    /// <summary>
    /// k of the posterior gate: the loss policy weighs loss × (1 − noise)^k. At 1 a sample as likely wrong as right
    /// (noise 0.5, the common case at 45 % pair flips) still enters with half its loss, and being the highest-loss
    /// sample of its batch it was lifted: the mislabelled samples of a 20,000-sample stream with 45 % pair flips kept
    /// 0.54 of the clean ones' weight; at 2 they keep 0.46 (docs/tuning.md, the gate's exponent).
    /// </summary>
    [Range(0.0, 10.0)] public double LossGateExponent { get; set; } = 2.0;

    /// <summary>Curriculum pace T (samples after warm-up): s(t) = min(t / T, 1).</summary>
    [Range(1, long.MaxValue)] public long CurriculumPaceSamples { get; set; } = 50_000;

    /// <summary>Initial class-balance exponent α of (n_c / N)^(−α).</summary>
    [Range(0.0, 5.0)] public double BalanceAlpha { get; set; } = 0.5;

    /// <summary>Samples after warm-up over which α cools linearly to 0.</summary>
    [Range(1, long.MaxValue)] public long BalanceCoolingSamples { get; set; } = 200_000;

    /// <summary>β of the influence factor exp(β · z(influence)).</summary>
    [Range(0.0, 10.0)] public double InfluenceBeta { get; set; } = 0.5;

    /// <summary>The influence factor is clipped to [1 / this, this].</summary>
    [Range(1.0, 1000.0)] public double InfluenceMaxFactor { get; set; } = 3.0;

    /// <summary>
    /// Noise at or above this quarantines a sample; a value above 1 disables quarantine. With the calibrated noise
    /// (<c>Scorer:Statistics:CalibrationSlope</c> 2) 0.95 quarantined 1.2–1.6 % of streams without injected noise, 0.98
    /// under 1 % (<c>easyhard bench quality --matrix full</c>).
    /// </summary>
    [Range(0.0, 2.0)] public double QuarantineThreshold { get; set; } = 0.98;

    /// <summary>
    /// Exponent γ of the noise factor (1 − noise)^γ. At 1 the factor is the clean posterior itself. Against 0.75, the
    /// mean of 3 MLPs on the weights (<c>easyhard bench quality</c>, seed 0, symmetric 0.4 / pair flips 0.3 / 0.45 / no
    /// noise) gained +0.03 / +0.07 / +0.37 / +0.08 points and the resampled stream −0.06 / +0.45 / +0.23 / +0.45; a
    /// trainer reading the Kafka stream (<c>easyhard bench trainer</c>) gained +0.85 and +1.18 over unweighted against
    /// +0.72 to +1.11 at 0.75. 1.5 cost clean data 0.22 (docs/tuning.md).
    /// </summary>
    [Range(0.0, 100.0)] public double NoiseGamma { get; set; } = 1.0;

    /// <summary>LinUpper half-width δ: batch losses are scaled to [−δ, δ] (Sow et al. 2025).</summary>
    [Range(1e-6, 1000.0)] public double LossPolicyDelta { get; set; } = 1.0;

    /// <summary>LinUpper softmax temperature r.</summary>
    [Range(1e-6, 1000.0)] public double LossPolicyTemperature { get; set; } = 1.0;

    /// <summary>Samples after warm-up during which the loss policy stays uniform.</summary>
    [Range(0, int.MaxValue)] public int LossPolicyBurnInSamples { get; set; } = 1000;

    [Range(0.0, 1000.0)] public double WeightMin { get; set; } = 0.05;

    [Range(0.0, 1000.0)] public double WeightMax { get; set; } = 5.0;

    /// <summary>Number of recent weights whose mean is held at 1.</summary>
    [Range(1, 10_000_000)] public int RenormalizationWindow { get; set; } = 4096;

    /// <summary>The enabled policy names, lower-cased and trimmed.</summary>
    public IReadOnlyList<string> EnabledPolicies() =>
        Policies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant()).ToArray();
}
