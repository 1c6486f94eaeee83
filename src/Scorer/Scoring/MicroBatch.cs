using EasyHard.Contracts.V1;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// One micro-batch as the engine scores or trains on it: samples <see cref="Start"/>.. of <see cref="Samples"/>, their
/// packed features and labels, ids and folds.
/// </summary>
internal sealed record MicroBatch(IReadOnlyList<CanonicalSample> Samples, int Start, ArraySegment<float> Features, long[] Labels, string[] Ids, int[] Folds)
{
    public int Count => Labels.Length;

    /// <summary>Samples the heads had trained on when this batch's own training was done (its place in a delayed stream).</summary>
    public long TrainedAt { get; set; }

    /// <summary>The same batch holding its own copy of the features (a pending batch outlives the caller's rented block).</summary>
    public MicroBatch Detached() => this with { Samples = Samples.Skip(Start).Take(Count).ToArray(), Start = 0, Features = Features.ToArray() };
}
