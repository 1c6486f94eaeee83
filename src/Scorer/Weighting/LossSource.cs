namespace EasyHard.Scorer.Weighting;

/// <summary>What the loss policy scores (<c>Scorer:Weighting:LossSource</c>). Trainer feedback replaces either for the ids it covers.</summary>
public enum LossSource
{
    /// <summary>The proxy's loss.</summary>
    Proxy,

    /// <summary>Loss − reference loss (RHO-LOSS, Mindermann et al. 2022); needs <c>Scorer:ReferenceModelPath</c>.</summary>
    Reducible,
}
