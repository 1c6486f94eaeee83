using System.Globalization;
using System.Text;
using EasyHard.Bench.Common;

namespace EasyHard.Bench.Chaos;

/// <summary>The markdown form of a <see cref="ChaosResult"/> (chaos.md and the console): the faults, the accounting, the verdict.</summary>
public static class ChaosReport
{
    public static string Markdown(ChaosResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Settings;
        var a = result.Account;
        var text = new StringBuilder();
        text.Append(result.Machine.Heading("EasyHard chaos"));
        text.Append(CultureInfo.InvariantCulture,
            $"Each role in its own process on the embedded Kafka, {s.Database}; {s.Rate:N0} samples/s for {s.Minutes:F1} min, dimension {s.Dimension}; seed {s.Seed}; faults {string.Join(", ", s.Faults)}, one every {s.MeanGapSeconds:F1} s on average; drain {result.DrainSeconds:F0} s.");
        text.Append(BenchOutput.Overrides(s.ExtraConfig)).Append("\n\n");

        var faults = new MarkdownTable("fault", "times", "errors");
        foreach (var kind in result.Faults.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            faults.Add(kind.Key, N(kind.Count()), N(kind.Count(f => f.Outcome.StartsWith("error", StringComparison.Ordinal))));
        }

        text.Append(faults).Append('\n');
        var table = new MarkdownTable("accounting", "ids");
        table.Add("produced (acknowledged by the broker)", N(a.Produced))
            .Add("sent but not acknowledged (not counted; may be absent or on the stream once)", N(result.ProducerFailed))
            .Add("on the trainer stream exactly once", N(a.OnceOnTrainerStream))
            .Add("dead-lettered", N(a.DeadLettered) + Reasons(a.DeadLetteredByReason))
            .Add("on the trainer stream more than once", $"{N(a.Duplicates)} ({N(a.RepeatedRecords)} repeated records; the mock may leave {N(a.VisibleRepeatAllowance)} visible)")
            .Add("on the trainer stream and dead-lettered", N(a.OnStreamAndDeadLettered))
            .Add("oversized on the trainer stream", N(a.OversizedOnStream))
            .Add("on the trainer stream, never produced", N(a.Unexpected))
            .Add("missing (neither on the stream nor dead-lettered)", N(a.Missing))
            .Add("lost to retention on the input topic, by Ingest's metric (records)", N(a.LostOnInputByMetric))
            .Add("lost to retention between roles, by the Scorer's and the Sink's metric (offsets, markers included)", N(a.LostBetweenRolesByMetric))
            .Add("lost to retention on the output topics before the recorder read them (offsets, markers included)", N(a.LostBeforeRecorded))
            .Add("dead letters naming no input", N(a.DeadLettersWithoutId))
            .Add("transactions aborted, by the roles' metric", N(result.AbortedTransactions))
            .Add("stalled partitions the roles assigned again", N(result.StalledPartitions))
            .Add("role processes stopped without a graceful shutdown", N(result.HardStops))
            .Add("role processes that crashed (started again)", N(result.Crashes.Count));
        text.Append(table).Append('\n');
        if (result.ProducerNote is not null)
        {
            text.Append("Producer ").Append(result.ProducerNote).Append("\n\n");
        }

        text.Append(a.Passed ? "Verdict: **pass**, every input id accounted for.\n" : $"Verdict: **FAIL**: {string.Join("; ", a.Failures)}.\n");
        foreach (var (failure, ids) in a.Examples)
        {
            text.Append(CultureInfo.InvariantCulture, $"- {failure}: {string.Join(", ", ids)}\n");
        }

        if (result.MissingLastSeen.Length > 0)
        {
            text.Append('\n').Append(result.MissingLastSeen);
        }

        return text.ToString();
    }

    private static string Reasons(IReadOnlyDictionary<string, long> byReason) =>
        byReason.Count == 0 ? "" : " (" + string.Join(", ", byReason.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}: {N(r.Value)}")) + ")";

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
