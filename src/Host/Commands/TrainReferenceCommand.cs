using System.CommandLine;
using System.IO.Compression;
using System.Text;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts.V1;
using EasyHard.Scorer;
using EasyHard.Scorer.Proxy;

namespace EasyHard.Host.Commands;

/// <summary>
/// <c>easyhard train-reference --input holdout.jsonl[.gz] --output ref.model [--classes 10] [--epochs N]</c>: trains the
/// frozen reference model of reducible loss (RHO-LOSS) on held-out data with the scorer's proxy code and options.
/// </summary>
public static class TrainReferenceCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "Held-out JSON-lines samples (.jsonl or .jsonl.gz), ideally clean", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "Where to write the reference model (set Scorer:ReferenceModelPath to it)", Required = true };
        var classes = new Option<int>("--classes") { Description = "Number of classes", DefaultValueFactory = _ => 10 };
        var epochs = new Option<int>("--epochs") { Description = "Shuffled passes over the input", DefaultValueFactory = _ => 5 };
        var command = new Command("train-reference", "Train the frozen reference model whose loss reducible loss subtracts (Scorer:* options set the proxy's shape).")
        {
            input, output, classes, epochs,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            var inputFile = parse.GetValue(input)!;
            int classCount = parse.GetValue(classes);
            int epochCount = parse.GetValue(epochs);
            if (!inputFile.Exists)
            {
                Console.Error.WriteLine($"--input: {inputFile.FullName} does not exist.");
                return 2;
            }

            if (classCount < 2 || epochCount < 1)
            {
                Console.Error.WriteLine("--classes must be at least 2 and --epochs at least 1.");
                return 2;
            }

            if (!ScorerConfiguration.TryBind(CommandOverrides.From(parse), offline: true, out var options))
            {
                return 2;
            }

            var samples = Read(inputFile.FullName, classCount, out int rejected);
            if (samples.Count == 0)
            {
                Console.Error.WriteLine($"{inputFile.FullName} has no valid sample.");
                return 1;
            }

            int dimension = samples[0].Features.Count;
            using var model = ReferenceModel.Train(samples, dimension, classCount, options, epochCount,
                (epoch, loss) => Console.WriteLine($"epoch {epoch}/{epochCount}: mean training loss {loss:F4}"));
            model.Save(parse.GetValue(output)!.FullName);
            Console.WriteLine($"train-reference: {samples.Count} samples ({rejected} rejected), dimension {dimension}, {classCount} classes -> {parse.GetValue(output)!.FullName}");
            return 0;
        });
        return command;
    }

    /// <summary>Valid samples of the file: JSON, same dimension as the first, label in range, finite features.</summary>
    private static List<TrainingSample> Read(string path, int classes, out int rejected)
    {
        var samples = new List<TrainingSample>();
        rejected = 0;
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: false));
        long number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!SampleJsonCodec.TryParse(Encoding.UTF8.GetBytes(line), out var sample, out var rejection)
                || sample.Label < 0 || sample.Label >= classes
                || sample.Features.Count == 0
                || (samples.Count > 0 && sample.Features.Count != samples[0].Features.Count)
                || sample.Features.Any(f => !float.IsFinite(f)))
            {
                rejected++;
                Console.Error.WriteLine($"{path}:{number}: {rejection?.ToString() ?? "label out of range, wrong dimension or non-finite feature"}");
                continue;
            }

            samples.Add(sample);
        }

        return samples;
    }
}
