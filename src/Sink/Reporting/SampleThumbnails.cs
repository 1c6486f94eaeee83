using System.Globalization;
using EasyHard.Core.Configuration;
using SkiaSharp;

namespace EasyHard.Sink.Reporting;

/// <summary>
/// How the gallery shows a sample's features: an image sample as a PNG thumbnail inlined as a <c>data:</c> URI
/// (no network, a 28×28 grayscale image takes well under 1 KB), anything else as a one-line summary.
/// </summary>
public static class SampleThumbnails
{
    /// <summary>Thumbnails are drawn at least this many CSS pixels wide, scaled up without smoothing.</summary>
    public const int MinDisplayPixels = 56;

    /// <summary>The cell of the gallery for <paramref name="features"/>: a thumbnail when they fill <paramref name="image"/>, else the summary.</summary>
    public static string Html(float[] features, ImageShape? image)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (image is { } shape && shape.Size == features.Length)
        {
            var scale = Math.Max(1, (int)Math.Ceiling(MinDisplayPixels / (double)Math.Max(shape.Width, shape.Height)));
            return string.Create(CultureInfo.InvariantCulture,
                $"""<img class="thumb" width="{shape.Width * scale}" height="{shape.Height * scale}" alt="{shape.Channels}×{shape.Height}×{shape.Width} image" src="data:image/png;base64,{Convert.ToBase64String(Png(features, shape))}">""");
        }

        return $"""<span class="features">{System.Net.WebUtility.HtmlEncode(Summary(features))}</span>""";
    }

    /// <summary>"784 features, min 0, mean 0.286, max 1".</summary>
    public static string Summary(float[] features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Length == 0)
        {
            return "no features";
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{features.Length:N0} features, min {features.Min():G3}, mean {features.Average(f => (double)f):G3}, max {features.Max():G3}");
    }

    /// <summary>
    /// The features as a PNG of <paramref name="shape"/>: channel-major planes (<c>[C, H, W]</c>), 1 channel grey or
    /// 3 channels RGB. Values are stretched from the image's own minimum to its maximum onto 0–255, as features may
    /// be raw pixels, scaled to [0, 1] or standardised; a flat image is black.
    /// </summary>
    public static byte[] Png(float[] features, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (shape.Size != features.Length || shape.Channels is not (1 or 3))
        {
            throw new ArgumentException($"{features.Length} features do not fill a {shape.Channels}×{shape.Height}×{shape.Width} image.", nameof(features));
        }

        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var f in features)
        {
            if (float.IsFinite(f))
            {
                min = Math.Min(min, f);
                max = Math.Max(max, f);
            }
        }

        var range = max > min ? max - min : float.PositiveInfinity;
        var plane = shape.Height * shape.Width;
        // Grey PNGs for one channel (a third the bytes of RGB); RGBA rows for three, which Skia writes as RGB.
        var grey = shape.Channels == 1;
        var stride = grey ? 1 : 4;
        var pixels = new byte[plane * stride];
        for (var i = 0; i < plane; i++)
        {
            for (var c = 0; c < shape.Channels; c++)
            {
                var f = features[(c * plane) + i];
                pixels[(i * stride) + c] = float.IsFinite(f) ? (byte)Math.Round((f - min) / range * 255) : (byte)0;
            }

            if (!grey)
            {
                pixels[(i * stride) + 3] = 255;
            }
        }

        var info = new SKImageInfo(shape.Width, shape.Height, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var image = SKImage.FromPixelCopy(info, pixels);
        using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }
}
