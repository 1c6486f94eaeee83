using System.Buffers;
using EasyHard.Contracts.V1;

namespace EasyHard.Scorer.Scoring;

/// <summary>Samples packed for the proxy: their features in one row-major block, their labels beside it.</summary>
internal static class SamplePacking
{
    /// <summary>
    /// Samples <paramref name="start"/>..<paramref name="start"/> + <paramref name="n"/> of <paramref name="samples"/>,
    /// each of <paramref name="dimension"/> features. The block is rented: a batch of features is 800 KB, and a fresh
    /// array that size per batch lands on the large-object heap, whose collections are full ones. Return it to
    /// <see cref="ArrayPool{T}.Shared"/> when the batch is done.
    /// </summary>
    public static (ArraySegment<float> Features, long[] Labels) Pack(IReadOnlyList<CanonicalSample> samples, int start, int n, int dimension)
    {
        var features = new ArraySegment<float>(ArrayPool<float>.Shared.Rent(n * dimension), 0, n * dimension);
        var labels = new long[n];
        for (int i = 0; i < n; i++)
        {
            var sample = samples[start + i].Sample;
            sample.Features.CopyTo(features.Array!, i * dimension);
            labels[i] = sample.Label;
        }

        return (features, labels);
    }
}
