using EasyHard.Core.Configuration;
using EasyHard.Sink.Reporting;
using SkiaSharp;

namespace EasyHard.Sink.Tests.Reporting;

/// <summary>The gallery's thumbnails decoded back to pixels, and the summary of features that are not an image.</summary>
public sealed class SampleThumbnailsTests
{
    [Fact]
    public void Png_GreyImage_StretchesItsRangeOntoZeroTo255RowByRow()
    {
        using var bitmap = SKBitmap.Decode(SampleThumbnails.Png([-1f, 0f, 1f, -0.5f, 0.5f, 0.25f], new ImageShape(1, 2, 3)));

        Assert.Equal((3, 2), (bitmap.Width, bitmap.Height));
        byte[][] expected = [[0, 128, 255], [64, 191, 159]];
        for (var y = 0; y < 2; y++)
        {
            for (var x = 0; x < 3; x++)
            {
                Assert.Equal(new SKColor(expected[y][x], expected[y][x], expected[y][x]), bitmap.GetPixel(x, y));
            }
        }
    }

    [Fact]
    public void Png_ThreeChannels_ReadsChannelMajorPlanesAsRgb()
    {
        // [C, H, W] = [3, 1, 2]: red plane, green plane, blue plane.
        float[] features = [4f, 0f, 0f, 4f, 2f, 2f];

        using var bitmap = SKBitmap.Decode(SampleThumbnails.Png(features, new ImageShape(3, 1, 2)));

        Assert.Equal(new SKColor(255, 0, 128), bitmap.GetPixel(0, 0));
        Assert.Equal(new SKColor(0, 255, 128), bitmap.GetPixel(1, 0));
    }

    [Fact]
    public void Png_FlatImage_IsBlack()
    {
        using var bitmap = SKBitmap.Decode(SampleThumbnails.Png([3f, 3f, 3f, 3f], new ImageShape(1, 2, 2)));

        Assert.Equal(SKColors.Black, bitmap.GetPixel(1, 1));
    }

    [Fact]
    public void Png_FeaturesThatDoNotFillTheShape_Throws()
    {
        Assert.Throws<ArgumentException>(() => SampleThumbnails.Png([1f, 2f, 3f], new ImageShape(1, 2, 2)));
    }

    [Fact]
    public void Html_FashionMnistSizedImage_IsAnInlinePngOfUnder1KBShownTwiceItsSize()
    {
        var features = Enumerable.Range(0, 784).Select(i => (float)((i * 37) % 256) / 255).ToArray();

        var html = SampleThumbnails.Html(features, new ImageShape(1, 28, 28));

        Assert.StartsWith("<img class=\"thumb\" width=\"56\" height=\"56\" ", html, StringComparison.Ordinal);
        Assert.Contains("src=\"data:image/png;base64,", html, StringComparison.Ordinal);
        Assert.True(html.Length < 1400, $"a 28×28 thumbnail takes {html.Length} characters");
    }

    [Fact]
    public void Html_NoImageShapeOrAnotherSize_SummarisesTheFeatures()
    {
        float[] features = [1f, -2f, 4f, 1f];

        Assert.Equal("<span class=\"features\">4 features, min -2, mean 1, max 4</span>", SampleThumbnails.Html(features, null));
        Assert.Equal(SampleThumbnails.Html(features, null), SampleThumbnails.Html(features, new ImageShape(1, 3, 3)));
    }
}
