using System.ComponentModel.DataAnnotations;

namespace EasyHard.Scorer;

/// <summary>
/// The nearest-neighbour vote blended into the proxy's prediction (section <c>Scorer:Neighbours</c>,
/// <see cref="Scoring.NeighbourVotes"/>): a non-parametric model that needs no training, so it is as good on the
/// stream's first thousand samples as later, where the one-pass proxy is still weak.
/// </summary>
public sealed class NeighbourOptions
{
    /// <summary>λ in p = (1 − λ) p̄ + λ q, q the neighbours' label vote; 0 turns the vote off.</summary>
    [Range(0.0, 1.0)] public double Weight { get; set; } = 0.25;

    /// <summary>Neighbours k that vote.</summary>
    [Range(1, 1_000)] public int Count { get; set; } = 20;

    /// <summary>Dimensions of the fixed random projection distances are measured in (features of this many or fewer are used as they are).</summary>
    [Range(1, 4_096)] public int Dimensions { get; set; } = 64;

    /// <summary>Samples kept to vote: a uniform reservoir over the stream (Algorithm R), about 5 MB at the default dimensions.</summary>
    [Range(1, 10_000_000)] public int Capacity { get; set; } = 20_000;

    /// <summary>
    /// Samples a batch the Kafka scorer consumed full (input waiting) searches instead: a fixed part of the reservoir,
    /// itself a uniform sample of the stream, so the vote costs a quarter as much and the scorer keeps up under load
    /// (as <c>Scorer:Proxy:RehearsalRatioUnderLoad</c> does for rehearsal).
    /// </summary>
    [Range(1, 10_000_000)] public int CapacityUnderLoad { get; set; } = 5_000;
}
