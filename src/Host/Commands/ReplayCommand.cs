using System.CommandLine;
using EasyHard.Core.Configuration;
using EasyHard.Host.Replay;
using Microsoft.Extensions.Configuration;
using EasyHard.Scorer;

namespace EasyHard.Host.Commands;

/// <summary><c>easyhard replay --input F.jsonl[.gz] --output G.jsonl</c>: the scoring core over a file, no Kafka.</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "JSON-lines samples (.jsonl or .jsonl.gz)", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Where to write one scored JSON object per accepted line", Required = true };
        var classes = new Option<int>("--classes") { Description = "Number of classes", DefaultValueFactory = _ => 10 };
        var dimension = new Option<int?>("--dimension") { Description = "Feature dimension (default: taken from the first valid record)" };
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "Start from (and save to) this scorer checkpoint; default: a fresh proxy" };
        var passes = new Option<int>("--passes")
        {
            Description = "Passes over the file; only the last is written. 2 = train on the whole file, then score every sample out-of-fold (K-fold cross-validation of the file, Scorer:Proxy:Folds)",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("replay", "Score a file of samples with the same core as the pipeline (arrival order, same batching, online learning).")
        {
            input, output, classes, dimension, checkpoint, passes,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            var inputFile = parse.GetValue(input)!;
            if (!inputFile.Exists)
            {
                Console.Error.WriteLine($"--input: {inputFile.FullName} does not exist.");
                return 2;
            }

            if (parse.GetValue(passes) < 1)
            {
                Console.Error.WriteLine("--passes must be at least 1.");
                return 2;
            }

            if (!ScorerConfiguration.TryBind(CommandOverrides.From(parse), offline: true, out var options))
            {
                return 2;
            }

            var savedCheckpoint = parse.GetValue(checkpoint);
            options.CheckpointPath = savedCheckpoint?.FullName ?? Path.Combine(Path.GetTempPath(), $"easyhard-replay-{Guid.NewGuid():N}.ckpt");
            options.CheckpointIntervalSeconds = 0;

            var imageShape = new ConfigurationBuilder().AddCommandLine([.. CommandOverrides.From(parse)]).Build()[$"{SampleSchemaOptions.SectionName}:{nameof(SampleSchemaOptions.ImageShape)}"];
            ImageShape? image = null;
            if (!string.IsNullOrEmpty(imageShape))
            {
                if (!ImageShape.TryParse(imageShape, out var shape))
                {
                    Console.Error.WriteLine(ImageShape.Malformed(imageShape));
                    return 2;
                }

                image = shape;
            }

            var replay = new FileReplay(options, parse.GetValue(classes), parse.GetValue(dimension), Console.Error, image);
            var result = replay.Run(inputFile.FullName, parse.GetValue(output)!.FullName, parse.GetValue(passes));
            Console.WriteLine($"replay: {result.Lines} lines, {result.Scored} scored, {result.Rejected} rejected (reported above), dimension {result.Dimension}, model version {result.ModelVersion} -> {parse.GetValue(output)!.FullName}");
            var rates = result.NoiseRate;
            Console.WriteLine(FormattableString.Invariant(
                $"replay: estimated label-noise rate {rates.Calibrated:F3} (confident disagreement {rates.Disagreement:F3}, confident joint {rates.Joint:F3}, loss mixtures {rates.Mixture:F3})"));
            return 0;
        });
        return command;
    }
}
