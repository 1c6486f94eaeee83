using System.Text.RegularExpressions;

namespace EasyHard.IntegrationTests.CommandLine;

/// <summary>Help says how to set what a command reads, and the same setting has the same default everywhere.</summary>
public sealed partial class HelpTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("run")]
    [InlineData("demo")]
    [InlineData("replay")]
    [InlineData("train-reference")]
    [InlineData("bench", "quality")]
    public async Task Help_CommandWithSettings_ListsSettingsWithAnExample_NotTheStockLine(params string[] command)
    {
        var result = await CliProcess.RunAsync([.. command, "--help"], Quick);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"easyhard {string.Join(' ', command)} [options] [--Section:Key=value ...]", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Settings (--Section:Key=value), the common ones shown with their defaults:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  --Scorer:Proxy:LearningRate=0.001", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"  Example: easyhard {string.Join(' ', command)} ", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Additional Arguments", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Arguments passed to the application that is being run", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_Run_ShowsTheDefaultsTheOptionsClassesHold()
    {
        var result = await CliProcess.RunAsync(["run", "--help"], Quick);

        Assert.Contains("  --Kafka:BootstrapServers=embedded", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  --Sink:Database:ConnectionString=\"Data Source=data/easyhard.db\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("  --Http:Port=9400", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_ProduceAndDemo_SharedOptionsHaveTheSameDefaults()
    {
        var produce = Defaults((await CliProcess.RunAsync(["produce", "--help"], Quick)).Stdout);
        var demo = Defaults((await CliProcess.RunAsync(["demo", "--help"], Quick)).Stdout);

        foreach (var option in new[] { "--format", "--noise", "--seed", "--rate", "--dataset" })
        {
            Assert.True(produce.ContainsKey(option) && demo.ContainsKey(option), $"{option} in both helps");
            Assert.Equal(produce[option], demo[option]);
        }

        Assert.Equal("protobuf", produce["--format"]);
    }

    private static Dictionary<string, string> Defaults(string help) =>
        OptionLine().Matches(help).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^\s+(--[a-z-]+) <[^>]+>.*\[default: ([^\]]+)\]", RegexOptions.Multiline)]
    private static partial Regex OptionLine();
}
