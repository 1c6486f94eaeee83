using System.Text.Json;
using System.Text.Json.Serialization;

namespace EasyHard.Bench.Common;

/// <summary>Writes a benchmark's JSON and markdown to its output folder and the markdown to the console.</summary>
public static class BenchOutput
{
    public static JsonSerializerOptions Json { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <returns>The paths written: DIR/NAME.json and DIR/NAME.md.</returns>
    public static (string JsonPath, string MarkdownPath) Write<T>(DirectoryInfo directory, string name, T result, string markdown, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(console);
        directory.Create();
        var jsonPath = Path.Combine(directory.FullName, name + ".json");
        var markdownPath = Path.Combine(directory.FullName, name + ".md");
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(result, Json) + "\n");
        File.WriteAllText(markdownPath, markdown);
        console.WriteLine();
        console.Write(markdown);
        console.WriteLine();
        console.WriteLine($"Wrote {jsonPath} and {markdownPath}");
        return (jsonPath, markdownPath);
    }

    /// <summary>"met: value" or "missed: value", a report's verdict on one target.</summary>
    public static string Verdict(bool met, FormattableString value) =>
        (met ? "met: " : "missed: ") + value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static double Mib(long bytes) => bytes / (1024.0 * 1024.0);

    /// <summary>
    /// A difference with its sign ("+0.0012", "-0.0040"), and "0.0000" for one that rounds to zero: the third section of
    /// the format takes it, where a two-section "+0;-0" writes a small negative value as "-+0.0000".
    /// </summary>
    public static string Signed(double value, int decimals)
    {
        var digits = "0." + new string('0', decimals);
        return value.ToString($"+{digits};-{digits};{digits}", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>" Overrides: `--Section:Key=value …`." for a report, or nothing when there are none.</summary>
    public static string Overrides(IReadOnlyList<string> extraConfig) =>
        extraConfig is null || extraConfig.Count == 0 ? "" : $" Overrides: `{string.Join(' ', extraConfig)}`.";
}
