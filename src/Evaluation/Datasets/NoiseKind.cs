namespace EasyHard.Evaluation.Datasets;

/// <summary>Label-noise models from the noisy-label literature (e.g. Han et al. 2018, "Co-teaching").</summary>
public enum NoiseKind
{
    /// <summary>Labels are left as they are.</summary>
    None,

    /// <summary>With probability p the label becomes a uniformly random <em>different</em> class.</summary>
    Symmetric,

    /// <summary>With probability p the label y becomes (y + 1) mod C: a systematic, class-dependent confusion.</summary>
    PairFlip,
}
