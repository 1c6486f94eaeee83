using EasyHard.Core.Configuration;
using EasyHard.Scorer.Proxy;

namespace EasyHard.Scorer.Tests;

public sealed class ProxyViewTests
{
    private static readonly ImageShape Square8 = new(1, 8, 8);

    private static float[] Images(int count) =>
        [.. Enumerable.Range(0, count * 64).Select(i => (float)Math.Abs(Math.Sin(i * 0.37)))];

    [Fact]
    public void Of_LiftsEverySampleAsTheProxyDoes_AcrossItsChunks()
    {
        var proxy = new ProxyOptions { ImageFilters = 3, ImagePooling = 4, Seed = 5 };
        const int count = 1030; // past one chunk of 1,024
        var images = Images(count);

        var (view, dimension) = ProxyView.Of(proxy, Square8, images, 64);

        using var lift = new ImageFeatures(Square8, 3, 4, seed: 5);
        Assert.Equal(lift.Dimension, dimension);
        Assert.Equal(count * dimension, view.Length);
        foreach (var i in new[] { 0, 1023, 1024, count - 1 })
        {
            var alone = lift.Lift(new ArraySegment<float>(images, i * 64, 64), 1);
            Assert.Equal(alone.ToArray(), view.AsSpan(i * dimension, dimension).ToArray());
        }
    }

    [Fact]
    public void Of_WithoutImageFeatures_IsTheSamplesAsTheyAre()
    {
        var images = Images(3);

        var noShape = ProxyView.Of(new ProxyOptions { ImageFilters = 16 }, null, images, 64);
        var off = ProxyView.Of(new ProxyOptions { ImageFilters = 0 }, Square8, images, 64);

        Assert.Same(images, noShape.Features);
        Assert.Equal(64, noShape.Dimension);
        Assert.Same(images, off.Features);
        Assert.Equal(64, off.Dimension);
    }

    [Fact]
    public void Of_RefusesFeaturesThatAreNotWholeSamples_OrAShapeThatIsNotTheirs()
    {
        var proxy = new ProxyOptions { ImageFilters = 2 };

        Assert.Throws<ArgumentException>(() => ProxyView.Of(proxy, Square8, new float[65], 64));
        Assert.Throws<ArgumentException>(() => ProxyView.Of(proxy, Square8, new float[63 * 2], 63));
    }
}
