using System.Buffers;
using EasyHard.Core.Configuration;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// Samples as the scorer's proxy sees them: with the image features of <c>Scorer:Proxy:ImageFilters</c> appended where
/// they apply (<see cref="ImageFeatures"/>), else as they are. An offline model compared with the proxy
/// (<c>bench quality</c>'s K-fold reference) is given the same view, so that the comparison is of one pass against K
/// folds, not of one input against another.
/// </summary>
public static class ProxyView
{
    /// <summary>Samples lifted per convolution, which bounds the responses held at once.</summary>
    private const int Chunk = 1024;

    /// <summary>
    /// The <paramref name="features"/> of <c>features.Length / dimension</c> samples (row-major) as the proxy sees
    /// them, and the dimension of that view.
    /// </summary>
    public static (float[] Features, int Dimension) Of(ProxyOptions proxy, ImageShape? image, float[] features, int dimension)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (features.Length % dimension != 0)
        {
            throw new ArgumentException($"{features.Length} values are not whole samples of {dimension} features.", nameof(features));
        }

        using var lift = ImageFeatures.For(proxy, image, dimension);
        if (lift is null)
        {
            return (features, dimension);
        }

        int count = features.Length / dimension;
        var view = new float[(long)count * lift.Dimension];
        for (int start = 0; start < count; start += Chunk)
        {
            int n = Math.Min(Chunk, count - start);
            var lifted = lift.Lift(new ArraySegment<float>(features, start * dimension, n * dimension), n);
            try
            {
                lifted.AsSpan().CopyTo(view.AsSpan(start * lift.Dimension, n * lift.Dimension));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(lifted.Array!);
            }
        }

        return (view, lift.Dimension);
    }
}
