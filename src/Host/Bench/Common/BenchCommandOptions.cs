using System.CommandLine;

namespace EasyHard.Host.Bench.Common;

/// <summary>The options every <c>easyhard bench</c> command shares, declared once.</summary>
public static class BenchCommandOptions
{
    public static Option<int> Dimension() => new("--dim") { Description = "Feature dimension", DefaultValueFactory = _ => 784 };

    public static Option<string> Format() => new("--format") { Description = "protobuf | json", DefaultValueFactory = _ => "protobuf" };

    /// <param name="files">What the command writes there, for the help text.</param>
    public static Option<DirectoryInfo> Output(string files) =>
        new("--out") { Description = $"Where {files} go", DefaultValueFactory = _ => new DirectoryInfo("data/bench") };
}
