using System.Globalization;
using System.Text;
using EasyHard.Bench.Common;

namespace EasyHard.Bench.Trainer;

/// <summary>The markdown form of a <see cref="TrainerResult"/> (trainer.md and the console).</summary>
public static class TrainerReport
{
    public static string Markdown(TrainerResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var s = result.Settings;
        var text = new StringBuilder();
        text.Append(result.Machine.Heading("EasyHard trainer benchmark"));
        text.Append(CultureInfo.InvariantCulture,
            $"Fashion-MNIST, first {s.Count:N0} training images, label noise {s.Noise} (seed {s.Seed}), {s.Format}, {s.StreamEpochs} passes through EasyHard (all roles, embedded Kafka, default scoring). ");
        text.Append(CultureInfo.InvariantCulture,
            $"`examples/pytorch_trainer.py` trains an MLP 784-{s.Hidden}-10 (Adam {s.LearningRate}, batch {s.BatchSize}, 1 torch thread) on what it reads through Kafka; the moving average of its weights (decay {result.Weighted.EmaDecay}) is evaluated on the clean test split.");
        text.Append(BenchOutput.Overrides(s.ExtraConfig)).Append("\n\n");
        var table = new MarkdownTable("arm", "reads", "loss", "records", "clean-test accuracy", "vs unweighted", "records/s while training");
        Row(table, result.Unweighted, "weighted + quarantine topics", "CE (every weight 1)", null);
        Row(table, result.Weighted, "weighted + quarantine topics", "(w · CE).mean()", result.WeightsGainPoints);
        Row(table, result.Corrected, "weighted + quarantine topics", "easyhard.corrected_loss: (w · CE + p · CE under a differing suggestion).mean()", result.CorrectedGainPoints);
        Row(table, result.WeightedTopicOnly, "weighted topic", "(w · CE).mean()", result.WeightedTopicOnlyGainPoints);
        Row(table, result.WithFeedback, "weighted + quarantine topics (2nd pipeline)", "(w · CE).mean(), losses sent as feedback", result.FeedbackGainPoints);
        if (result.Unweighted.PairedWeightedTestAccuracy is { } twin)
        {
            table.Add("weighted twin", "the unweighted arm's batches", "(w · CE).mean(), quarantined at 0", "the same",
                Percent(twin), Points(result.PairedWeightsGainPoints) + " (paired)", "—");
        }

        text.Append(table).Append('\n');
        var r = result.Read;
        var facts = new MarkdownTable("", "value");
        facts.Add("weights target: weighted ≥ unweighted + 1.0 point", BenchOutput.Verdict(result.WeightsTargetMet, $"{Points(result.WeightsGainPoints)}"))
            .Add("the same, paired: twin on the unweighted arm's batches", Points(result.PairedWeightsGainPoints))
            .Add("the same, on the last step's weights (no moving average)", Points(result.LastStepWeightsGainPoints))
            .Add("feedback records the scorer applied (rejected)", string.Create(CultureInfo.InvariantCulture, $"{result.FeedbackApplied:N0} ({result.FeedbackRejected:N0}); trainer sent {result.WithFeedback.FeedbackSent:N0}"))
            .Add("scored samples whose loss policy used a trainer loss", string.Create(CultureInfo.InvariantCulture, $"{result.FeedbackLossesUsed:N0}"))
            .Add("samples scored under load (shedding work) while the first stream's arms read", string.Create(CultureInfo.InvariantCulture,
                $"{result.Load.UnderLoad:N0} of {result.Load.Scored:N0} ({100 * result.Load.UnderLoadShare:F0} %)"))
            .Add("read throughput: bare confluent-kafka consumer", string.Create(CultureInfo.InvariantCulture, $"{r.BareRecordsPerSecond:N0} records/s ({r.Records:N0} records × {r.Passes} passes, best of {r.Rounds} rounds)"))
            .Add("read throughput: easyhard client (decoded batches)", string.Create(CultureInfo.InvariantCulture, $"{r.ClientRecordsPerSecond:N0} records/s"))
            .Add("read target: client ≥ 50 % of bare", BenchOutput.Verdict(result.ReadTargetMet, $"{100 * r.Ratio:F0} %"))
            .Add("wall time", string.Create(CultureInfo.InvariantCulture, $"{result.SecondsTotal:F0} s"));
        text.Append(facts);
        if (result.Replay is { } replay)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"\nReplayed: the unweighted arm's {replay.Records:N0} records in its {replay.Batches:N0} batches ({100 * replay.MislabelledShare:F1} % mislabelled), trained on again with other weights, the mean of {replay.Seeds} trainer seed(s) each (`src/Bench/python/trainer_replay.py`). ");
            if (double.IsFinite(replay.WeightsShareOfOracle))
            {
                text.Append(CultureInfo.InvariantCulture, $"EasyHard's weights reach {100 * replay.WeightsShareOfOracle:F0} % of the oracle's gain on the same batches.");
            }

            text.Append("\n\n");
            var replayed = new MarkdownTable("weights", "clean-test accuracy (mean)", "per seed", "vs unweighted");
            foreach (var arm in replay.Arms)
            {
                replayed.Add(arm.Name, Percent(arm.MeanAccuracy), string.Join(" / ", arm.Accuracies.Select(Percent)),
                    arm.Name == TrainerReplay.Unweighted ? "—" : Points(replay.GainPoints(arm.Name)));
            }

            text.Append(replayed).Append('\n');
            var detection = new MarkdownTable("pass", "records", "noise AUROC (mislabelled samples)", "mislabelled / clean weight");
            foreach (var pass in replay.Passes)
            {
                detection.Add(pass.Number.ToString(CultureInfo.InvariantCulture), pass.Records.ToString("N0", CultureInfo.InvariantCulture),
                    pass.NoiseAuroc is { } auroc ? auroc.ToString("F4", CultureInfo.InvariantCulture) : "—",
                    pass.MislabelledToCleanWeight is { } ratio ? ratio.ToString("F3", CultureInfo.InvariantCulture) : "—");
            }

            text.Append(detection);
        }

        foreach (var problem in result.Problems)
        {
            text.Append(CultureInfo.InvariantCulture, $"\nProblem: {problem}\n");
        }

        return text.ToString();
    }

    private static void Row(MarkdownTable table, TrainerArm arm, string reads, string loss, double? gain) =>
        table.Add(arm.Name, reads, loss, arm.Records.ToString("N0", CultureInfo.InvariantCulture), Percent(arm.TestAccuracy),
            gain is { } g ? Points(g) : "—", arm.RecordsPerSecond.ToString("N0", CultureInfo.InvariantCulture));

    private static string Percent(double accuracy) => (100 * accuracy).ToString("F2", CultureInfo.InvariantCulture) + " %";

    private static string Points(double gain) => BenchOutput.Signed(gain, 2) + " points";
}
