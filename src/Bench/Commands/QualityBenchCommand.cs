using System.CommandLine;
using EasyHard.Bench.Common;
using EasyHard.Bench.Quality;
using EasyHard.Evaluation.Datasets;
using EasyHard.Host.Commands;
using EasyHard.Scorer;

namespace EasyHard.Bench.Commands;

/// <summary>
/// <c>easyhard bench quality</c>: EasyHard's noise, difficulty, weight and influence scores next to the offline gold
/// standard (K-fold cross-validated confident learning) and downstream accuracy, in one run on Fashion-MNIST with
/// injected label noise. Scorer options can be overridden as <c>--Scorer:Key=value</c>, as for <c>replay</c>.
/// </summary>
public static class QualityBenchCommand
{
    public static Command Create()
    {
        var defaults = new ScorerOptions();
        var noise = BenchCommandOptions.Noise();
        var seed = new Option<int>("--seed") { Description = "Seed of noise, folds, models and shuffles (also Scorer:Proxy:Seed)", DefaultValueFactory = _ => 0 };
        var count = new Option<int>("--count") { Description = "Training samples (from the start of the train split)", DefaultValueFactory = _ => 60_000 };
        var testCount = new Option<int?>("--test-count") { Description = "Clean test samples for the downstream accuracies (default: the whole test split)" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the stream through the scoring engine (same ids, shuffled order per epoch)", DefaultValueFactory = _ => 1 };
        var folds = new Option<int>("--folds") { Description = "K of the cross-validated offline reference", DefaultValueFactory = _ => 4 };
        var trainEpochs = new Option<int>("--train-epochs") { Description = "Epochs of every offline model (folds, downstream)", DefaultValueFactory = _ => 10 };
        var hidden = new Option<int[]>("--hidden")
        {
            Description = "Hidden layer widths of the offline models and of the scorer's heads (default: the scorer's)",
            DefaultValueFactory = _ => defaults.Proxy.HiddenSizes,
            AllowMultipleArgumentsPerToken = true,
        };
        var learningRate = new Option<double>("--learning-rate") { Description = "Adam learning rate of the offline models", DefaultValueFactory = _ => defaults.Proxy.LearningRate };
        var batchSize = new Option<int>("--batch-size") { Description = "Minibatch of the offline models", DefaultValueFactory = _ => 128 };
        var downstreamRepeats = new Option<int>("--downstream-repeats")
        {
            Description = "Fresh MLPs per downstream arm (initialisations and batch orders); each arm reports their mean accuracy",
            DefaultValueFactory = _ => 3,
        };
        var keepFraction = new Option<double>("--keep-fraction") { Description = "Share of the data kept by influence and at random", DefaultValueFactory = _ => 0.5 };
        var threads = new Option<int>("--threads")
        {
            Description = "Torch intra-op threads (0 = torch's default). One thread avoids OpenMP spin-waits, which slow a run several-fold when other processes share the cores",
            DefaultValueFactory = _ => 1,
        };
        var dataDirectory = BenchCommandOptions.FashionMnistDirectory();
        var output = new Option<DirectoryInfo>("--out") { Description = "Where to write quality.md and quality.json (quality-matrix.md and .json with --matrix)", DefaultValueFactory = _ => new DirectoryInfo("data/bench/quality") };
        var matrix = new Option<string?>("--matrix")
        {
            Description = "Run the matrix of cases instead of one (detection and downstream accuracy of each): full (every noise kind at 60k and 20k, 3 epochs, long-tailed classes, a small 7x7 stream; about 25 minutes on 2 cores) or smoke (two tiny cases)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var only = new Option<string[]>("--only")
        {
            Description = "With --matrix: keep only the cases whose name contains one of these texts, e.g. --only pairflip \"20k none\"",
            AllowMultipleArgumentsPerToken = true,
        };
        var command = new Command("quality", "Scoring quality next to the offline gold standard (K-fold confident learning) and downstream accuracy, in one run.")
        {
            noise, seed, count, testCount, epochs, folds, trainEpochs, hidden, learningRate, batchSize, downstreamRepeats, keepFraction, threads, dataDirectory, output, matrix, only,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            if (!NoiseSpec.TryParse(parse.GetValue(noise), out var spec, out var error))
            {
                Console.Error.WriteLine($"--noise: {error}");
                return 2;
            }

            var settings = new QualitySettings
            {
                Noise = spec,
                Seed = parse.GetValue(seed),
                Count = parse.GetValue(count),
                TestCount = parse.GetValue(testCount),
                Epochs = parse.GetValue(epochs),
                Folds = parse.GetValue(folds),
                TrainEpochs = parse.GetValue(trainEpochs),
                Hidden = parse.GetValue(hidden)!,
                LearningRate = parse.GetValue(learningRate),
                BatchSize = parse.GetValue(batchSize),
                KeepFraction = parse.GetValue(keepFraction),
                DownstreamRepeats = parse.GetValue(downstreamRepeats),
                Threads = parse.GetValue(threads),
                DataDirectory = parse.GetValue(dataDirectory)!.FullName,
            };
            if (Invalid(settings) is { } problem)
            {
                Console.Error.WriteLine(problem);
                return 2;
            }

            if (BenchCommandOptions.FashionMnistMissing(settings.DataDirectory) is { } missing)
            {
                Console.Error.WriteLine(missing);
                return 2;
            }

            if (!ScorerConfiguration.TryBind(parse.UnmatchedTokens, offline: true, out var scorer))
            {
                return 2;
            }

            scorer.Proxy.HiddenSizes = [.. settings.Hidden];
            scorer.Proxy.Seed = settings.Seed;
            scorer.CheckpointPath = Path.Combine(Path.GetTempPath(), $"easyhard-bench-quality-{Guid.NewGuid():N}.ckpt");
            scorer.CheckpointIntervalSeconds = 0;

            if (parse.GetResult(matrix) is not null)
            {
                var which = parse.GetValue(matrix) ?? "full";
                IReadOnlyList<MatrixCase>? cases = which.ToLowerInvariant() switch { "full" => MatrixCase.Full, "smoke" => MatrixCase.Smoke, _ => null };
                if (cases is null)
                {
                    Console.Error.WriteLine($"--matrix: '{which}' is not a matrix; use full or smoke.");
                    return 2;
                }

                if (parse.GetValue(only) is { Length: > 0 } texts)
                {
                    cases = [.. cases.Where(c => texts.Any(t => c.Name.Contains(t, StringComparison.OrdinalIgnoreCase)))];
                    if (cases.Count == 0)
                    {
                        Console.Error.WriteLine($"--only: no case of the {which} matrix matches {string.Join(", ", texts)}; names look like '{MatrixCase.Full[0].Name}'.");
                        return 2;
                    }
                }

                var matrixReport = QualityMatrix.Run(cases, settings, scorer, Console.Error);
                BenchOutput.Write(parse.GetValue(output)!, MatrixReport.Name, matrixReport, matrixReport.ToMarkdown(), Console.Out);
                return 0;
            }

            var report = QualityBenchmark.Run(settings, scorer, Console.Error);
            var directory = parse.GetValue(output)!.FullName;
            QualityReportWriter.Write(report, directory);
            Console.WriteLine(QualityReportWriter.ToMarkdown(report));
            Console.WriteLine($"wrote {Path.Combine(directory, QualityReportWriter.MarkdownFile)} and {Path.Combine(directory, QualityReportWriter.JsonFile)}");
            return 0;
        });
        return command;
    }

    private static string? Invalid(QualitySettings s) =>
        s.Count < 2 ? "--count must be at least 2"
        : s.TestCount is < 1 ? "--test-count must be at least 1"
        : s.Epochs < 1 ? "--epochs must be at least 1"
        : s.Folds < 2 || s.Folds > s.Count ? "--folds must be at least 2 and at most --count"
        : s.TrainEpochs < 1 ? "--train-epochs must be at least 1"
        : s.Hidden.Count == 0 || s.Hidden.Any(h => h < 1) ? "--hidden needs one or more positive widths"
        : !(s.LearningRate > 0) ? "--learning-rate must be positive"
        : s.BatchSize < 1 ? "--batch-size must be at least 1"
        : s.DownstreamRepeats < 1 ? "--downstream-repeats must be at least 1"
        : s.Threads < 0 ? "--threads must be 0 (torch's default) or more"
        : !(s.KeepFraction > 0 && s.KeepFraction <= 1) ? "--keep-fraction must be in (0, 1]"
        : null;
}
