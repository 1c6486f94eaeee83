using System.CommandLine;
using System.Text.Json;
using EasyHard.Bench.Commands;
using EasyHard.Bench.Common;
using EasyHard.Bench.Trainer;
using EasyHard.Evaluation.Datasets;
using EasyHard.IntegrationTests.CommandLine;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>
/// <c>easyhard bench trainer</c> on a reduced run (1,500 samples, 2 passes): the pipeline, the example trainer in its
/// five arms, feedback, the read comparison and the replay of the unweighted arm's batches all run and report sane
/// figures. Accuracy targets belong to the full run. Needs Fashion-MNIST and python3-torch, python3-numpy, python3-confluent-kafka, which CI installs.
/// </summary>
public sealed class TrainerBenchSmokeTests
{
    [Fact]
    public async Task BenchTrainer_ReducedRun_EveryArmTrainsOnTheWholeStream_FeedbackReachesTheScorer_AndTheReplayRepeatsTheRecordedArm()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-bench-trainer-").FullName;
        var root = new RootCommand { BenchCommand.Create() };

        // A trainer stops once nothing arrived for --idle-seconds after it got its partitions. The weighted-topic arm knows no
        // record count to wait for, and on a CI machine running other suites beside this one its first record once
        // arrived more than 6 s after the assignment (it ended with none): 20 s leaves room.
        var exitCode = await root.Parse([
            "bench", "trainer", "--count", "1500", "--passes", "2", "--read-rounds", "1", "--idle-seconds", "20", "--replay-seeds", "2", "--out", directory,
        ]).InvokeAsync();

        Assert.Equal(0, exitCode); // 1 = a trainer read other than what the stream held, or samples went missing
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "trainer.json")));
        var result = json.RootElement;
        foreach (var arm in new[] { "weighted", "unweighted", "corrected", "weighted_topic_only", "with_feedback" })
        {
            var report = result.GetProperty(arm);
            Assert.InRange(report.GetProperty("test_accuracy").GetDouble(), 0.3, 1.0); // far above chance (0.1) after 3,000 noisy steps' worth
            Assert.Equal(10_000, report.GetProperty("test_count").GetInt32());
        }

        Assert.Equal(3000, result.GetProperty("unweighted").GetProperty("records").GetInt64());
        Assert.Equal(3000, result.GetProperty("corrected").GetProperty("records").GetInt64()); // the quarantine topic too
        Assert.Equal(3000, result.GetProperty("weighted").GetProperty("records").GetInt64());
        Assert.Equal(3000 - result.GetProperty("weighted").GetProperty("quarantined_records").GetInt64(),
            result.GetProperty("weighted_topic_only").GetProperty("records").GetInt64()); // the weighted topic alone
        Assert.True(result.GetProperty("corrected").GetProperty("weights").GetBoolean());
        Assert.False(result.GetProperty("unweighted").GetProperty("weights").GetBoolean());
        Assert.InRange(result.GetProperty("unweighted").GetProperty("paired_weighted_test_accuracy").GetDouble(), 0.3, 1.0);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("weighted").GetProperty("paired_weighted_test_accuracy").ValueKind);
        var feedback = result.GetProperty("with_feedback");
        Assert.True(feedback.GetProperty("feedback").GetBoolean());
        Assert.Equal(feedback.GetProperty("records").GetInt64(), feedback.GetProperty("feedback_sent").GetInt64());
        Assert.Equal(feedback.GetProperty("feedback_sent").GetInt64(), result.GetProperty("feedback_applied").GetInt64());
        Assert.True(result.GetProperty("feedback_losses_used").GetInt64() > 0, "the scorer used trainer losses in the second pass");
        Assert.True(result.GetProperty("read").GetProperty("bare_records_per_second").GetDouble() > 0);
        Assert.True(result.GetProperty("read").GetProperty("client_records_per_second").GetDouble() > 0);
        var read = result.GetProperty("read");
        Assert.True(read.GetProperty("records").GetInt64() * read.GetProperty("passes").GetInt32() >= 100_000,
            "a round reads the retained topic over as many passes as make 100,000 records");
        Assert.Empty(result.GetProperty("problems").EnumerateArray());

        // The replay trains on the unweighted arm's recorded batches again: with that arm's seed, every weight 1 is that
        // arm step for step, and EasyHard's weights with the quarantined samples at 0 are its twin.
        var replay = result.GetProperty("replay");
        Assert.Equal(3000, replay.GetProperty("records").GetInt64());
        Assert.InRange(replay.GetProperty("mislabelled_share").GetDouble(), 0.3, 0.5); // symmetric 0.4: 36 % of labels change
        var replayed = replay.GetProperty("arms").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!, a => a);
        Assert.Equal(["unweighted", "weights", "clean posterior", "weights, mislabelled at 0", "oracle"], replayed.Keys);
        Assert.All(replayed.Values, a => Assert.Equal(2, a.GetProperty("accuracies").GetArrayLength()));
        Assert.Equal(result.GetProperty("unweighted").GetProperty("test_accuracy").GetDouble(),
            replayed["unweighted"].GetProperty("accuracies")[0].GetDouble(), 4);
        Assert.Equal(result.GetProperty("unweighted").GetProperty("paired_weighted_test_accuracy").GetDouble(),
            replayed["weights"].GetProperty("accuracies")[0].GetDouble(), 4);
        Assert.All(replayed.Values, a => Assert.InRange(a.GetProperty("mean_accuracy").GetDouble(), 0.3, 1.0));
        var passes = replay.GetProperty("passes").EnumerateArray().ToList();
        Assert.Equal([1, 2], passes.Select(p => p.GetProperty("pass").GetInt32()));
        Assert.All(passes, p => Assert.Equal(1500, p.GetProperty("records").GetInt64()));
        Assert.All(passes, p => Assert.InRange(p.GetProperty("noise_auroc").GetDouble(), 0.5, 1.0)); // above chance, even while the scorer warms up
        Assert.All(passes, p => Assert.InRange(p.GetProperty("mislabelled_to_clean_weight").GetDouble(), 0.0, 1.0));
        Assert.DoesNotContain(Directory.GetFiles(Path.GetTempPath(), "easyhard-trainer-batches-*.npz"),
            path => File.GetLastWriteTimeUtc(path) > DateTime.UtcNow.AddMinutes(-10)); // the recording is removed after the replay
        var markdown = File.ReadAllText(Path.Combine(directory, "trainer.md"));
        Assert.Contains("| weighted | weighted + quarantine topics | (w · CE).mean() |", markdown, StringComparison.Ordinal);
        Assert.Contains("| weighted-topic | weighted topic | (w · CE).mean() |", markdown, StringComparison.Ordinal);
        Assert.Contains("| corrected | weighted + quarantine topics | easyhard.corrected_loss", markdown, StringComparison.Ordinal);
        Assert.Contains("feedback records the scorer applied", markdown, StringComparison.Ordinal);
        Assert.Contains("| weighted twin | the unweighted arm's batches |", markdown, StringComparison.Ordinal);
        Assert.Contains("Replayed: the unweighted arm's 3,000 records", markdown, StringComparison.Ordinal);
        Assert.Contains("| weights, mislabelled at 0 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| pass | records | noise AUROC (mislabelled samples) | mislabelled / clean weight |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BenchTrainer_Recording_KeepsTheUnweightedArmsBatches_WhichAnotherScoringOfTheSameRecordsTrainsOn()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-bench-trainer-").FullName;
        var recording = Path.Combine(directory, "batches.npz");
        var root = new RootCommand { BenchCommand.Create() };

        var exitCode = await root.Parse([
            "bench", "trainer", "--count", "1500", "--passes", "2", "--read-rounds", "1", "--idle-seconds", "20", "--recording", recording, "--out", directory,
        ]).InvokeAsync();

        Assert.Equal(0, exitCode);
        Assert.True(File.Exists(recording), "--recording keeps the unweighted arm's batches without a replay");
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "trainer.json")));
        var unweighted = json.RootElement.GetProperty("unweighted").GetProperty("test_accuracy").GetDouble();

        // The recorded records, in order, as JSON samples; scored again by `easyhard replay` (another scorer run, here
        // with a wider proxy); then the same batches trained on that scoring's weights.
        var script = PythonScript.Find(TrainerSettings.DefaultReplayScript)!;
        var stream = Path.Combine(directory, "stream.jsonl");
        var scored = Path.Combine(directory, "scored.jsonl");
        await using (var export = await StartReplayAsync(script, ["--recording", recording, "--export-stream", stream]))
        {
            Assert.Equal(3000, (await export.WaitAsync<JsonElement>(TimeSpan.FromMinutes(2), CancellationToken.None)).GetProperty("exported").GetInt64());
        }

        var replay = await CliProcess.RunAsync(["replay", "--input", stream, "--output", scored, "--Scorer:Proxy:HiddenSizes:0=256"], TimeSpan.FromMinutes(3));
        Assert.True(replay.ExitCode == 0, replay.Stderr);
        Assert.Equal(3000, File.ReadLines(scored).Count());

        await using var retrain = await StartReplayAsync(script,
            ["--recording", recording, "--scored", scored, "--arms", "unweighted", "weights as read", "--seeds", "1"]);
        var result = await retrain.WaitAsync<JsonElement>(TimeSpan.FromMinutes(5), CancellationToken.None);
        var arms = result.GetProperty("arms").EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("mean_accuracy").GetDouble());
        Assert.Equal(["unweighted", "weights as read"], arms.Keys);
        Assert.Equal(unweighted, arms["unweighted"], 4); // every weight 1 on the recorded batches is the recorded arm, whatever the scores
        Assert.InRange(arms["weights as read"], 0.3, 1.0);
        Assert.All(result.GetProperty("passes").EnumerateArray(), p => Assert.InRange(p.GetProperty("noise_auroc").GetDouble(), 0.5, 1.0)); // the new scores rank
    }

    private static Task<PythonScript> StartReplayAsync(string script, IEnumerable<string> arguments) =>
        PythonScript.StartAsync("The replay", PythonScript.DefaultInterpreter, script, [.. arguments, "--data-dir", FashionMnist.DefaultDirectory],
            TimeSpan.FromMinutes(1), CancellationToken.None);
}
