using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>Per-sample signals of one batch as [B] tensors (owned by the caller's dispose scope).</summary>
internal sealed record SignalBatch(
    Tensor MeanProbabilities,
    Tensor OneHot,
    Tensor Loss,
    Tensor SelfConfidence,
    Tensor Margin,
    Tensor El2n,
    Tensor Disagreement,
    Tensor GradNorm,
    Tensor PredictedLabel,
    Tensor Difficulty);
