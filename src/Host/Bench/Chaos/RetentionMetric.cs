using System.Globalization;

namespace EasyHard.Host.Bench.Chaos;

/// <summary>
/// Reads <c>easyhard_&lt;role&gt;_records_lost_to_retention_total</c> from a role's Prometheus text exposition by name:
/// the sum over its topic/partition series, and 0 when the role exports no such metric.
/// </summary>
public static class RetentionMetric
{
    public static string NameFor(string role) => $"easyhard_{role}_records_lost_to_retention_total";

    /// <summary>Sum of every sample of <paramref name="name"/> in the text format (https://prometheus.io/docs/instrumenting/exposition_formats/).</summary>
    public static long Sum(string exposition, string name)
    {
        ArgumentNullException.ThrowIfNull(exposition);
        double total = 0;
        foreach (var line in exposition.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            // The value follows the labels' closing brace (label values may hold spaces), else the name.
            var afterLabels = line[name.Length] == '{' ? line.LastIndexOf('}') + 1 : name.Length;
            var fields = line[afterLabels..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                total += value;
            }
        }

        return (long)Math.Round(total);
    }
}
