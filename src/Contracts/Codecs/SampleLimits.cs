using System.Globalization;

namespace EasyHard.Contracts.Codecs;

/// <summary>
/// Fixed limits on the free-form fields of a sample, beside the configurable ones of <c>Schema</c>: they bound what
/// a single record can make every downstream store (Kafka headers, SQL rows, logs, dashboards) carry.
/// </summary>
public static class SampleLimits
{
    /// <summary>Longest accepted <c>source</c>, in UTF-8 bytes (it is a SQL column and a grouping key).</summary>
    public const int MaxSourceBytes = 256;

    /// <summary>Most <c>attributes</c> entries one sample may carry.</summary>
    public const int MaxAttributes = 64;

    /// <summary>
    /// Characters an id or a source may not contain: C0/C1 controls (U+0000 among them, which PostgreSQL text cannot
    /// store), the line and paragraph separators U+2028/U+2029 (which split log lines), and the bidirectional
    /// embedding, override and isolate controls U+202A–U+202E and U+2066–U+2069 (which make text display in another
    /// order than it is stored).
    /// </summary>
    public static bool IsForbiddenInText(char c) =>
        char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
        || c is >= '\u202A' and <= '\u202E'
        || c is >= '\u2066' and <= '\u2069';

    /// <summary>Index of the first character <see cref="IsForbiddenInText"/> rejects, or -1.</summary>
    public static int IndexOfForbiddenChar(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            if (IsForbiddenInText(text[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
