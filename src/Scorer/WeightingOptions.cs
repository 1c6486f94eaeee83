using System.ComponentModel.DataAnnotations;

namespace EasyHard.Scorer;

/// <summary>
/// Which weight policies run and how (section <c>Scorer:Weighting</c>). The noise policy's γ and quarantine threshold
/// and the loss policy's δ, r and burn-in are the <c>Scorer:NoiseGamma</c>, <c>Scorer:QuarantineThreshold</c> and
/// <c>Scorer:LossPolicy*</c> keys. Validated at start by <see cref="ScorerOptionsValidator"/> (keys named in errors).
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
    [Required, RegularExpression("^(?i)(linupper|quadratic|extremes|uniform)$", ErrorMessage = "Scorer:Weighting:LossShape must be linupper, quadratic, extremes or uniform.")]
    public string LossShape { get; set; } = "linupper";

    /// <summary>
    /// What the loss policy scores: <c>proxy</c> (proxy loss) or <c>reducible</c> (loss − reference loss, needs
    /// <c>Scorer:ReferenceModelPath</c>). Trainer feedback replaces either for the ids it covers.
    /// </summary>
    [Required, RegularExpression("^(?i)(proxy|reducible)$", ErrorMessage = "Scorer:Weighting:LossSource must be proxy or reducible.")]
    public string LossSource { get; set; } = "proxy";

    /// <summary>
    /// What decides first when the noise and loss policies are both on: <c>posterior</c> (the loss policy weighs each
    /// sample's loss times its clean posterior 1 − noise, so a likely-mislabelled sample, the highest-loss sample of
    /// its batch, can never be lifted by it; weight moves among the samples judged clean) or <c>none</c> (the raw loss).
    /// </summary>
    [Required, RegularExpression("^(?i)(posterior|none)$", ErrorMessage = "Scorer:Weighting:LossGate must be posterior or none.")]
    public string LossGate { get; set; } = "posterior";

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

    /// <summary>The enabled policy names, lower-cased and trimmed.</summary>
    public IReadOnlyList<string> EnabledPolicies() =>
        Policies.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant()).ToArray();
}
