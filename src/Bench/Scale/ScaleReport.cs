using System.Globalization;
using System.Text;
using EasyHard.Bench.Common;

namespace EasyHard.Bench.Scale;

/// <summary>The markdown form of a <see cref="ScaleResult"/> (scale.md and the console), with each target's verdict.</summary>
public static class ScaleReport
{
    public static string Markdown(ScaleResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Settings;
        var text = new StringBuilder();
        text.Append(result.Machine.Heading("EasyHard scale-out benchmark"));
        text.Append(CultureInfo.InvariantCulture,
            $"Fashion-MNIST, first {s.Count:N0} training images, label noise {s.Noise} (realized {s.RealizedNoiseRate:P1}, seed {s.Seed}), one pass, {s.Partitions} input partitions, a model exchange every {s.SyncIntervalSamples:N0} samples per instance with sync on.");
        text.Append(BenchOutput.Overrides(s.ExtraConfig)).Append("\n\n");
        if (result.Runs.Count > 0)
        {
            AppendKafka(text, result);
        }

        if (result.Simulated.Count > 0)
        {
            AppendSimulated(text, result);
        }

        text.Append(CultureInfo.InvariantCulture, $"\nWall time {result.SecondsTotal:F0} s.\n");
        foreach (var problem in result.Problems)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nProblem: {problem}\n");
        }

        return text.ToString();
    }

    private static void AppendKafka(StringBuilder text, ScaleResult result)
    {
        var s = result.Settings;
        text.Append(CultureInfo.InvariantCulture,
            $"One ingest process and N scorer processes on the embedded cluster. At {s.RebalanceAt:P0} of the stream the last scorer leaves (SIGTERM) and rejoins {s.AwaySeconds:F0} s later as a new pod (without its checkpoint). Throughput spans the first send to the last scored record, the rebalance included.\n\n");
        var single = result.Single;
        var table = new MarkdownTable("scorers", "sync", "scored", "noise AUROC", "vs 1 instance", "AP", "mean weight noisy / clean", "samples/s", "vs 1 instance", "model topic", "of input bytes");
        foreach (var run in result.Runs)
        {
            var reference = single is null || run == single ? null : single;
            table.Add(run.Scorers.ToString(CultureInfo.InvariantCulture), run.Sync ? "on" : "off", run.Scores.Scored.ToString("N0", CultureInfo.InvariantCulture),
                run.Scores.NoiseAuroc.ToString("F4", CultureInfo.InvariantCulture),
                reference is null ? "—" : BenchOutput.Signed(run.Scores.NoiseAuroc - reference.Scores.NoiseAuroc, 4),
                run.Scores.NoiseAveragePrecision.ToString("F4", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{run.Scores.MeanWeightNoisy:F3} / {run.Scores.MeanWeightClean:F3}"),
                run.SamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                reference is null ? "—" : (run.SamplesPerSecond / reference.SamplesPerSecond).ToString("F2", CultureInfo.InvariantCulture) + "×",
                string.Create(CultureInfo.InvariantCulture, $"{run.SyncRecords:N0} records, {run.SyncBytes / 1e6:F1} MB"),
                (100 * run.SyncShare).ToString("F2", CultureInfo.InvariantCulture) + " %");
        }

        text.Append(table).Append('\n');
        if (single is null)
        {
            return;
        }

        var targets = new MarkdownTable("target", "verdict");
        foreach (var run in result.Runs.Where(r => r.Sync && r.Scorers > 1))
        {
            var gap = run.Scores.NoiseAuroc - single.Scores.NoiseAuroc;
            targets.Add(string.Create(CultureInfo.InvariantCulture, $"AUROC with {run.Scorers} instances within {ScaleSettings.AurocTolerance} of 1"),
                BenchOutput.Verdict(gap >= -ScaleSettings.AurocTolerance, $"{BenchOutput.Signed(gap, 4)}"));
            if (run.Scorers == 2)
            {
                var speedup = run.SamplesPerSecond / single.SamplesPerSecond;
                targets.Add(string.Create(CultureInfo.InvariantCulture, $"throughput with 2 instances ≥ {ScaleSettings.SpeedupTarget}× 1 instance ({Environment.ProcessorCount} cores)"),
                    BenchOutput.Verdict(speedup >= ScaleSettings.SpeedupTarget, $"{speedup:F2}×"));
            }
        }

        foreach (var run in result.Runs.Where(r => r.Sync))
        {
            targets.Add(string.Create(CultureInfo.InvariantCulture, $"sync traffic ≤ {100 * ScaleSettings.SyncTrafficShare:F0} % of input bytes, {run.Scorers} instance(s)"),
                BenchOutput.Verdict(run.SyncShare <= ScaleSettings.SyncTrafficShare, $"{100 * run.SyncShare:F2} %"));
        }

        text.Append(targets);
    }

    private static void AppendSimulated(StringBuilder text, ScaleResult result)
    {
        text.Append("The scorer fleet simulated in one process (no Kafka, deterministic): each instance owns a contiguous range of the partitions; under load every batch is full and nothing is rehearsed, with headroom the engines rehearse as instances on machines of their own would.\n\n");
        var table = new MarkdownTable("regime", "scorers", "sync", "noise AUROC", "vs 1 instance", "AP", "mean weight noisy / clean", "merges", "model bytes");
        foreach (var run in result.Simulated)
        {
            var single = result.Simulated.FirstOrDefault(r => r.Scorers == 1 && r.Headroom == run.Headroom);
            table.Add(run.Headroom ? "headroom" : "under load", run.Scorers.ToString(CultureInfo.InvariantCulture), run.Sync ? "on" : "off",
                run.Scores.NoiseAuroc.ToString("F4", CultureInfo.InvariantCulture),
                single is null || single == run ? "—" : BenchOutput.Signed(run.Scores.NoiseAuroc - single.Scores.NoiseAuroc, 4),
                run.Scores.NoiseAveragePrecision.ToString("F4", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{run.Scores.MeanWeightNoisy:F3} / {run.Scores.MeanWeightClean:F3}"),
                run.Merges.ToString(CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{run.SyncBytes / 1e6:F1} MB"));
        }

        text.Append(table);
    }
}
