using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace EasyHard.Evaluation.Datasets;

/// <summary>A noise model and its rate, written <c>none</c>, <c>symmetric:0.4</c> or <c>pairflip:0.3</c>.</summary>
public sealed record NoiseSpec
{
    public NoiseSpec(NoiseKind kind, double rate)
    {
        if (!double.IsFinite(rate) || rate < 0 || rate > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "noise rate must be a number in [0, 1]");
        }

        if (kind == NoiseKind.None && rate != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "noise kind 'none' has rate 0");
        }

        Kind = kind;
        Rate = rate;
    }

    public static NoiseSpec None { get; } = new(NoiseKind.None, 0);

    public NoiseKind Kind { get; }

    /// <summary>Probability that a sample's label is changed.</summary>
    public double Rate { get; }

    /// <exception cref="FormatException">The text is not one of the accepted forms; the message says which are.</exception>
    public static NoiseSpec Parse(string text) =>
        TryParse(text, out var spec, out var error) ? spec : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out NoiseSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        const string Expected = "expected 'none', 'symmetric:P' or 'pairflip:P' with P in [0, 1], e.g. 'symmetric:0.4'";
        var trimmed = text?.Trim() ?? string.Empty;
        if (trimmed.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            spec = None;
            error = null;
            return true;
        }

        var colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            error = $"invalid noise spec '{text}': {Expected}";
            return false;
        }

        var name = trimmed[..colon].Trim();
        NoiseKind kind;
        if (name.Equals("symmetric", StringComparison.OrdinalIgnoreCase))
        {
            kind = NoiseKind.Symmetric;
        }
        else if (name.Equals("pairflip", StringComparison.OrdinalIgnoreCase))
        {
            kind = NoiseKind.PairFlip;
        }
        else
        {
            error = $"invalid noise spec '{text}': unknown kind '{name}'; {Expected}";
            return false;
        }

        var rateText = trimmed[(colon + 1)..].Trim();
        if (!double.TryParse(rateText, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !double.IsFinite(rate))
        {
            error = $"invalid noise spec '{text}': rate '{rateText}' is not a number; {Expected}";
            return false;
        }

        if (rate is < 0 or > 1)
        {
            error = $"invalid noise spec '{text}': rate {rate.ToString(CultureInfo.InvariantCulture)} is outside [0, 1]";
            return false;
        }

        spec = new NoiseSpec(kind, rate);
        error = null;
        return true;
    }

    public override string ToString() => Kind switch
    {
        NoiseKind.None => "none",
        NoiseKind.Symmetric => string.Create(CultureInfo.InvariantCulture, $"symmetric:{Rate}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"pairflip:{Rate}"),
    };
}
