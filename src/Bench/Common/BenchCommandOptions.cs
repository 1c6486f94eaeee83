using System.CommandLine;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Common;

/// <summary>The options every <c>easyhard bench</c> command shares, declared once.</summary>
public static class BenchCommandOptions
{
    public static Option<int> Dimension() => new("--dim") { Description = "Feature dimension", DefaultValueFactory = _ => 784 };

    public static Option<string> Format() => new("--format") { Description = "protobuf | json", DefaultValueFactory = _ => "protobuf" };

    public static Option<string> Noise() =>
        new("--noise") { Description = "symmetric:P | pairflip:P | none", DefaultValueFactory = _ => "symmetric:0.4" };

    public static Option<DirectoryInfo> FashionMnistDirectory() =>
        new("--data-dir") { Description = "Fashion-MNIST IDX files", DefaultValueFactory = _ => new DirectoryInfo(FashionMnist.DefaultDirectory) };

    /// <summary>The error to print when the train or test split is not in <paramref name="directory"/>; null when both are.</summary>
    public static string? FashionMnistMissing(string directory) =>
        FashionMnist.IsAvailable(directory) && FashionMnist.IsAvailable(directory, FashionMnistSplit.Test)
            ? null
            : $"--data-dir: Fashion-MNIST train and test files are not in {directory} (Debian: apt-get install dataset-fashion-mnist).";

    /// <param name="files">What the command writes there, for the help text.</param>
    public static Option<DirectoryInfo> Output(string files) =>
        new("--out") { Description = $"Where {files} go", DefaultValueFactory = _ => new DirectoryInfo("data/bench") };
}
