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
            $"Fashion-MNIST, first {s.Count:N0} training images, label noise {s.Noise} (realized {s.RealizedNoiseRate:P1}, seed {s.Seed}), one pass; one ingest process and N scorer processes on the embedded cluster ({s.Partitions} partitions). ");
        text.Append(CultureInfo.InvariantCulture,
            $"At {s.RebalanceAt:P0} of the stream the last scorer leaves (SIGTERM) and rejoins {s.AwaySeconds:F0} s later as a new pod (without its checkpoint). Throughput spans the first send to the last scored record, the rebalance included.");
        text.Append(BenchOutput.Overrides(s.ExtraConfig)).Append("\n\n");
        var single = result.Single;
        var table = new MarkdownTable("scorers", "sync", "scored", "noise AUROC", "vs 1 instance", "AP", "mean weight noisy / clean", "samples/s", "vs 1 instance", "model topic", "of input bytes");
        foreach (var run in result.Runs)
        {
            table.Add(run.Scorers.ToString(CultureInfo.InvariantCulture), run.Sync ? "on" : "off", run.Scored.ToString("N0", CultureInfo.InvariantCulture),
                run.NoiseAuroc.ToString("F4", CultureInfo.InvariantCulture),
                single is null || run == single ? "—" : (run.NoiseAuroc - single.NoiseAuroc).ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture),
                run.NoiseAveragePrecision.ToString("F4", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{run.MeanWeightNoisy:F3} / {run.MeanWeightClean:F3}"),
                run.SamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture),
                single is null || run == single ? "—" : (run.SamplesPerSecond / single.SamplesPerSecond).ToString("F2", CultureInfo.InvariantCulture) + "×",
                string.Create(CultureInfo.InvariantCulture, $"{run.SyncRecords:N0} records, {run.SyncBytes / 1e6:F1} MB"),
                (100 * run.SyncShare).ToString("F2", CultureInfo.InvariantCulture) + " %");
        }

        text.Append(table).Append('\n');
        if (single is not null)
        {
            var targets = new MarkdownTable("target", "verdict");
            foreach (var run in result.Runs.Where(r => r.Sync && r.Scorers > 1))
            {
                var gap = run.NoiseAuroc - single.NoiseAuroc;
                targets.Add(string.Create(CultureInfo.InvariantCulture, $"AUROC with {run.Scorers} instances within {ScaleSettings.AurocTolerance} of 1"),
                    BenchOutput.Verdict(Math.Abs(gap) <= ScaleSettings.AurocTolerance || gap > 0, $"{gap:+0.0000;-0.0000}"));
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

        text.Append(CultureInfo.InvariantCulture, $"\nWall time {result.SecondsTotal:F0} s.\n");
        foreach (var problem in result.Problems)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nProblem: {problem}\n");
        }

        return text.ToString();
    }
}
