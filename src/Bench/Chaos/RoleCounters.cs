using System.Globalization;

namespace EasyHard.Bench.Chaos;

/// <summary>
/// The counters the chaos verifier reads from a role's Prometheus text exposition, by name: offsets the broker
/// deleted before the role read them (<c>easyhard_&lt;role&gt;_records_lost_to_retention_total</c>, summed over its
/// topic/partition series), aborted transactions (<c>easyhard_&lt;role&gt;_transactions_total{outcome="aborted"}</c>) and
/// partitions the role found stalled and assigned again (<c>easyhard_&lt;role&gt;_errors_total{kind="partition_stalled"}</c>).
/// A role that does not export a counter reads 0.
/// </summary>
public sealed record RoleCounters(long LostToRetention, long AbortedTransactions, long StalledPartitions = 0)
{
    public static RoleCounters Zero { get; } = new(0, 0);

    public static string LostToRetentionName(string role) => $"easyhard_{role}_records_lost_to_retention_total";

    public static string TransactionsName(string role) => $"easyhard_{role}_transactions_total";

    public static RoleCounters Read(string exposition, string role) =>
        new(Sum(exposition, LostToRetentionName(role)), Sum(exposition, TransactionsName(role), "outcome=\"aborted\""),
            Sum(exposition, $"easyhard_{role}_errors_total", "kind=\"partition_stalled\""));

    public RoleCounters Max(RoleCounters other) =>
        new(Math.Max(LostToRetention, other.LostToRetention), Math.Max(AbortedTransactions, other.AbortedTransactions),
            Math.Max(StalledPartitions, other.StalledPartitions));

    public RoleCounters Add(RoleCounters other) =>
        new(LostToRetention + other.LostToRetention, AbortedTransactions + other.AbortedTransactions, StalledPartitions + other.StalledPartitions);

    /// <summary>
    /// Sum of every sample of <paramref name="name"/> whose labels contain <paramref name="label"/> (any, when null), in
    /// the text format (https://prometheus.io/docs/instrumenting/exposition_formats/).
    /// </summary>
    public static long Sum(string exposition, string name, string? label = null)
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
            if (label is not null && !line.AsSpan(name.Length, afterLabels - name.Length).Contains(label, StringComparison.Ordinal))
            {
                continue;
            }

            var fields = line[afterLabels..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 0 && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                total += value;
            }
        }

        return (long)Math.Round(total);
    }
}
