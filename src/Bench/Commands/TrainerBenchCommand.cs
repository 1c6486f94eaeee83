using System.CommandLine;
using EasyHard.Bench.Common;
using EasyHard.Bench.Trainer;
using EasyHard.Evaluation.Datasets;
using EasyHard.Host.Commands;

namespace EasyHard.Bench.Commands;

/// <summary>
/// <c>easyhard bench trainer</c>: the example PyTorch trainer on EasyHard's stream through Kafka, with weights, without,
/// and with feedback, evaluated on clean Fashion-MNIST; and the client's read throughput next to a bare consumer.
/// Prints a markdown table and writes trainer.json/.md.
/// </summary>
public static class TrainerBenchCommand
{
    public static Command Create()
    {
        var noise = BenchCommandOptions.Noise();
        var count = new Option<int>("--count") { Description = "Training samples (from the start of the train split)", DefaultValueFactory = _ => 60_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the noise, the scorer and the trainers", DefaultValueFactory = _ => 0 };
        var passes = new Option<int>("--passes") { Description = "Times the data goes through the pipeline (the trainers' epochs; feedback acts from the 2nd)", DefaultValueFactory = _ => 3 };
        var format = BenchCommandOptions.Format();
        var batch = new Option<int>("--batch-size") { Description = "Trainer minibatch (records per optimizer step)", DefaultValueFactory = _ => 128 };
        var hidden = new Option<int>("--hidden") { Description = "Hidden width of the trainer's MLP", DefaultValueFactory = _ => 256 };
        var learningRate = new Option<double>("--learning-rate") { Description = "Adam learning rate of the trainer", DefaultValueFactory = _ => 1e-3 };
        var idle = new Option<double>("--idle-seconds") { Description = "A trainer on the weighted topic stops after this long without records", DefaultValueFactory = _ => 15 };
        var rounds = new Option<int>("--read-rounds") { Description = "Alternating rounds of the read-throughput comparison (best counts: a round reads in well under a second, so a loaded machine needs several)", DefaultValueFactory = _ => 7 };
        var replaySeeds = new Option<int>("--replay-seeds")
        {
            Description = "Afterwards, train on the unweighted arm's batches again with EasyHard's weights, the clean posterior, a perfect detector's and the oracle's, this many trainer seeds each (0: no replay; about 45 s per arm and seed at 60,000 samples × 3 passes)",
            DefaultValueFactory = _ => 0,
        };
        var recording = new Option<FileInfo?>("--recording")
        {
            Description = "Keep the unweighted arm's batches, in order, with EasyHard's weights and noise, in this .npz (src/Bench/python/trainer_replay.py trains on them again with other weights or other scorer settings)",
        };
        var python = new Option<string>("--python") { Description = "Python interpreter with torch, numpy and confluent_kafka", DefaultValueFactory = _ => PythonScript.DefaultInterpreter };
        var dataDirectory = BenchCommandOptions.FashionMnistDirectory();
        var output = BenchCommandOptions.Output("trainer.json and trainer.md");
        var command = new Command("trainer", "examples/pytorch_trainer.py through Kafka on noisy Fashion-MNIST: weights on, off, with label correction, and with feedback; clean-test accuracy and read throughput (extra --Section:Key=value overrides apply to the pipeline).")
        {
            noise, count, seed, passes, format, batch, hidden, learningRate, idle, rounds, replaySeeds, recording, python, dataDirectory, output,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            if (!NoiseSpec.TryParse(parse.GetValue(noise), out var spec, out var error))
            {
                Console.Error.WriteLine($"--noise: {error}");
                return 2;
            }

            var directory = parse.GetValue(dataDirectory)!.FullName;
            if (BenchCommandOptions.FashionMnistMissing(directory) is { } missing)
            {
                Console.Error.WriteLine(missing);
                return 2;
            }

            var script = PythonScript.Find(TrainerSettings.DefaultScript);
            var readScript = PythonScript.Find(TrainerSettings.DefaultReadScript);
            var replayScript = PythonScript.Find(TrainerSettings.DefaultReplayScript);
            if (script is null || readScript is null || replayScript is null)
            {
                Console.Error.WriteLine($"{TrainerSettings.DefaultScript}, {TrainerSettings.DefaultReadScript} and {TrainerSettings.DefaultReplayScript} were not found from the working directory upwards: run from the repository.");
                return 2;
            }

            if (!ScorerConfiguration.TryBind(parse.UnmatchedTokens, offline: false, out _))
            {
                return 2;
            }

            var settings = new TrainerSettings(spec, parse.GetValue(count), parse.GetValue(seed), parse.GetValue(passes),
                SampleEncoder.ParseFormat(parse.GetValue(format)!), directory, parse.GetValue(python)!, script, readScript, parse.GetValue(batch),
                parse.GetValue(hidden), parse.GetValue(learningRate), parse.GetValue(idle), parse.GetValue(rounds), [.. parse.UnmatchedTokens],
                parse.GetValue(replaySeeds), replayScript, parse.GetValue(recording)?.FullName);
            if (settings.Count < 1 || settings.StreamEpochs < 1 || settings.BatchSize < 1 || settings.Hidden < 1 || settings.ReadRounds < 1)
            {
                Console.Error.WriteLine("--count, --passes, --batch-size, --hidden and --read-rounds must be at least 1.");
                return 2;
            }

            if (settings.ReplaySeeds < 0)
            {
                Console.Error.WriteLine("--replay-seeds must be 0 (no replay) or more.");
                return 2;
            }

            if (settings.RecordingPath is { } kept && !Directory.Exists(Path.GetDirectoryName(kept)))
            {
                Console.Error.WriteLine($"--recording: the directory of {kept} does not exist.");
                return 2;
            }

            var result = await TrainerBench.RunAsync(settings, Console.Out, ct);
            BenchOutput.Write(parse.GetValue(output)!, "trainer", result, TrainerReport.Markdown(result), Console.Out);
            return result.Problems.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
