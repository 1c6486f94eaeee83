using System.Globalization;

namespace EasyHard.Sink.Reporting;

/// <summary>Class names from <c>Schema:ClassNames</c>; a label without a name shows as its number.</summary>
public sealed class LabelNames(IReadOnlyList<string> names)
{
    public static LabelNames None { get; } = new([]);

    public int Count => names.Count;

    public string Name(int label) =>
        label >= 0 && label < names.Count && !string.IsNullOrWhiteSpace(names[label])
            ? names[label]
            : label.ToString(CultureInfo.InvariantCulture);

    /// <summary>"3 Dress" when named, else "3".</summary>
    public string Labelled(int label) =>
        label >= 0 && label < names.Count && !string.IsNullOrWhiteSpace(names[label])
            ? string.Create(CultureInfo.InvariantCulture, $"{label} {names[label]}")
            : label.ToString(CultureInfo.InvariantCulture);
}
