namespace EasyHard.Bench.Throughput;

/// <summary>
/// Floating-point operations the proxy ensemble spends per scored sample, counted from its shape (multiply-adds of
/// the dense layers, 2 FLOPs each; biases, activations and softmax are negligible). Per head and sample: the scoring
/// forward pass; the training forward pass of every minibatch but the first, which trains on its rows of the scoring
/// pass (so a minibatch that covers the batch adds none); the backward pass (weight gradients of every layer and input
/// gradients of every layer but the first); the rehearsal's <c>Scorer:Proxy:RehearsalRatio</c> replayed samples per scored
/// one, each with a forward and a backward pass of its own; and the forward pass over the influence reservoir, which is
/// redone once every <c>Scorer:Statistics:InfluenceRefreshBatches</c> batches and shared by them. Beside the ensemble, the
/// neighbour vote (<c>Scorer:Neighbours</c>) projects each sample to its dimensions and measures its distance to every
/// sample of its reservoir (one multiply-add per dimension and sample held; the top-k selection is comparisons).
/// </summary>
public sealed record MlpFlops(double ForwardPerHead, double BackwardPerHead, double ReservoirPerHead, int Heads, double ForwardPasses, double VotePerSample, double PerSample)
{
    /// <param name="voteCapacity">The neighbour vote's reservoir (0: the vote is off).</param>
    /// <param name="voteDimensions">The dimensions it measures distances in.</param>
    public static MlpFlops For(int dimension, IReadOnlyList<int> hiddenSizes, int classes, int heads, int batchSize, int reservoirSize, int refreshBatches, int trainMinibatch,
        double rehearsalRatio = 0, int voteCapacity = 0, int voteDimensions = 0)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        int[] widths = [dimension, .. hiddenSizes, classes];
        double forward = 0, inputGradients = 0;
        for (var layer = 0; layer + 1 < widths.Length; layer++)
        {
            var multiplyAdds = 2.0 * widths[layer] * widths[layer + 1];
            forward += multiplyAdds;
            if (layer > 0)
            {
                inputGradients += multiplyAdds;
            }
        }

        var backward = forward + inputGradients;
        ArgumentOutOfRangeException.ThrowIfLessThan(refreshBatches, 1);
        var reservoir = forward * reservoirSize / ((double)batchSize * refreshBatches);
        var passes = 1 + (Math.Max(batchSize - trainMinibatch, 0) / (double)batchSize) + rehearsalRatio;
        int projected = Math.Min(dimension, voteDimensions);
        double vote = voteCapacity == 0 ? 0 : (2.0 * projected * voteCapacity) + (dimension > projected ? 2.0 * dimension * projected : 0);
        return new MlpFlops(forward, backward, reservoir, heads, passes, vote, (heads * ((passes * forward) + ((1 + rehearsalRatio) * backward) + reservoir)) + vote);
    }
}
