namespace EasyHard.IntegrationTests.CommandLine;

/// <summary>A benchmark whose Python side cannot run says what to install, in one line, instead of a stack trace.</summary>
public sealed class BenchPrerequisiteTests
{
    [Theory]
    [InlineData("throughput", "The Python baseline needs /nonexistent/python3 with torch, confluent_kafka, numpy: on Debian run `apt-get install -y")]
    [InlineData("trainer", "bench trainer needs /nonexistent/python3 with")]
    public async Task Bench_PythonMissing_StopsWithOneLineNamingThePackages(string bench, string expected)
    {
        var result = await CliProcess.RunAsync(["bench", bench, "--python", "/nonexistent/python3", "--out", "bench-out"], TimeSpan.FromSeconds(120));

        Assert.False(result.TimedOut, $"the benchmark ran instead of stopping; stderr: {result.Stderr}");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.True(result.StderrLines.Length <= 2, $"expected one problem and one hint, got:\n{result.Stderr}");
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }
}
