using System.Buffers;
using EasyHard.Core.Configuration;
using static TorchSharp.torch;
using static TorchSharp.torch.nn.functional;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// Fixed random convolutional features appended to image-shaped samples before the proxy sees them
/// (<c>Scorer:Proxy:ImageFilters</c>, with <c>Schema:ImageShape</c>): each of F random 5×5 filters is convolved over the
/// image, rectified above a small threshold and average-pooled over <c>Scorer:Proxy:ImagePooling</c>-square cells. The
/// filters are never trained: a convolution with random weights followed by rectification and pooling is already
/// frequency-selective and translation-tolerant (Jarrett et al. 2009; Saxe et al. 2011, "On random weights and
/// unsupervised feature learning"), which is the image prior an MLP on raw pixels lacks. Because they are fixed, the
/// cross-fitted heads stay out-of-sample (a learned shared front end would carry what it saw of a sample to the heads
/// that must not have seen it), and the lift is a pure function of the sample: the same on every instance, after a
/// restart, in replay.
/// </summary>
internal sealed class ImageFeatures : IDisposable
{
    private const int KernelSize = 5;

    /// <summary>Response below which a filter's output is dropped: keeps each feature sparse, as in Coates &amp; Ng 2011.</summary>
    private const float Threshold = 0.1f;

    /// <summary>
    /// Scale of the pooled responses: on [0, 1] pixels with unit-norm filters they spread about a fifth as wide as the
    /// pixels do, and the neighbour vote's distances and the proxy's first layer then weigh them alike.
    /// </summary>
    private const float Scale = 5f;

    private readonly ImageShape shape;
    private readonly int pooling;
    private readonly Tensor filters;

    public ImageFeatures(ImageShape shape, int filterCount, int pooling, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(filterCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pooling, 1);
        if (shape.Height < pooling || shape.Width < pooling)
        {
            throw new ArgumentOutOfRangeException(nameof(pooling), $"Scorer:Proxy:ImagePooling {pooling} does not fit a {shape.Height}x{shape.Width} image (Schema:ImageShape).");
        }

        this.shape = shape;
        this.pooling = pooling;
        InputDimension = checked((int)shape.Size);
        Dimension = InputDimension + filterCount * (shape.Height / pooling) * (shape.Width / pooling);
        filters = Filters(filterCount, shape.Channels, seed);
    }

    /// <summary>The image features the options ask for; null where they are off or the samples are not images.</summary>
    public static ImageFeatures? For(ProxyOptions proxy, ImageShape? image, int dimension)
    {
        if (proxy.ImageFilters == 0 || image is not { } shape)
        {
            return null;
        }

        if (shape.Size != dimension)
        {
            throw new ArgumentException($"Schema:ImageShape {shape.Channels}x{shape.Height}x{shape.Width} holds {shape.Size} values but the samples have {dimension} features.", nameof(image));
        }

        return new ImageFeatures(shape, proxy.ImageFilters, proxy.ImagePooling, proxy.Seed);
    }

    /// <summary>Features per sample as it arrives (the image).</summary>
    public int InputDimension { get; }

    /// <summary>Features per sample as the proxy sees it: the image, then the pooled responses of every filter.</summary>
    public int Dimension { get; }

    /// <summary>
    /// The <paramref name="count"/> samples of <paramref name="images"/> (row-major, <see cref="InputDimension"/> each)
    /// with their filter responses appended, in a block rented from <see cref="ArrayPool{T}.Shared"/> (return it as the
    /// packed features are returned).
    /// </summary>
    public ArraySegment<float> Lift(ArraySegment<float> images, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(images.Count, count * InputDimension);
        var lifted = new ArraySegment<float>(ArrayPool<float>.Shared.Rent(count * Dimension), 0, count * Dimension);
        if (count == 0)
        {
            return lifted;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = HostTensor.Copy(images, count, shape.Channels, shape.Height, shape.Width);
        var responses = avg_pool2d(relu(conv2d(input, filters, padding: [KernelSize / 2, KernelSize / 2]) - Threshold), pooling)
            .mul_(Scale).reshape(count, -1).contiguous();
        var pooled = HostTensor.Floats(responses);
        var extra = Dimension - InputDimension;
        for (int i = 0; i < count; i++)
        {
            images.AsSpan(i * InputDimension, InputDimension).CopyTo(lifted.AsSpan(i * Dimension, InputDimension));
            pooled.Slice(i * extra, extra).CopyTo(lifted.AsSpan((i * Dimension) + InputDimension, extra));
        }

        return lifted;
    }

    public void Dispose() => filters.Dispose();

    /// <summary>
    /// F filters [F, C, 5, 5] of standard normal entries (Box–Muller over a seeded <see cref="Random"/>, whose sequence
    /// for a seed is fixed), each made zero-mean, so a flat region responds with 0, and unit-norm, so every filter
    /// responds on the same scale.
    /// </summary>
    private static Tensor Filters(int count, int channels, int seed)
    {
        var random = new Random(seed ^ 0x1F17E5);
        int size = channels * KernelSize * KernelSize;
        var values = new float[count * size];
        for (int f = 0; f < count; f++)
        {
            var filter = values.AsSpan(f * size, size);
            for (int i = 0; i < size; i++)
            {
                filter[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            }

            float mean = 0;
            foreach (var v in filter)
            {
                mean += v / size;
            }

            double norm = 0;
            foreach (ref var v in filter)
            {
                v -= mean;
                norm += v * v;
            }

            foreach (ref var v in filter)
            {
                v = (float)(v / Math.Sqrt(norm));
            }
        }

        return HostTensor.Copy(values, count, channels, KernelSize, KernelSize);
    }
}
