namespace EasyHard.Scorer.Weighting;

/// <summary>What decides first when the noise and loss policies are both on (<c>Scorer:Weighting:LossGate</c>).</summary>
public enum LossGate
{
    /// <summary>
    /// The loss policy weighs each sample's loss times its clean posterior 1 − noise, so a likely-mislabelled sample,
    /// the highest-loss sample of its batch, can never be lifted by it; weight moves among the samples judged clean.
    /// </summary>
    Posterior,

    /// <summary>The raw loss, which fights the noise factor.</summary>
    None,
}
