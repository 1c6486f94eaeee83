using System.Globalization;

namespace EasyHard.Core.Configuration;

/// <summary>
/// The shape of a sample's features read as an image (<c>Schema:ImageShape</c>): channels × height × width, stored
/// channel-major, row by row, as PyTorch's <c>[C, H, W]</c> tensors are.
/// </summary>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    public long Size => (long)Channels * Height * Width;

    /// <summary>The error for a <c>Schema:ImageShape</c> that <see cref="TryParse"/> does not read.</summary>
    public static string Malformed(string text) => $"Schema:ImageShape '{text}' is not HxW or CxHxW (e.g. 28x28 or [1,28,28]).";

    /// <summary>Reads <c>HxW</c>, <c>CxHxW</c> or the bracketed list form <c>[C,H,W]</c>.</summary>
    public static bool TryParse(string? text, out ImageShape shape)
    {
        shape = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var parts = text.Trim().TrimStart('[').TrimEnd(']').Split(['x', 'X', ',', '×'], StringSplitOptions.TrimEntries);
        var sizes = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out sizes[i]) || sizes[i] < 1)
            {
                return false;
            }
        }

        switch (sizes)
        {
            case [var h, var w]:
                shape = new ImageShape(1, h, w);
                return true;
            case [var c, var h, var w] when c is 1 or 3:
                shape = new ImageShape(c, h, w);
                return true;
            default:
                return false;
        }
    }
}
