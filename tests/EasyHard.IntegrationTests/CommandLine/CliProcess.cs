using System.Diagnostics;

namespace EasyHard.IntegrationTests.CommandLine;

/// <summary>The built <c>easyhard</c> CLI run as a process, as a person runs it: exit code and what it printed.</summary>
internal sealed record CliProcess(int ExitCode, string Stdout, string Stderr, bool TimedOut)
{
    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The command stopped at once with exit code 2, one line naming the problem (containing <paramref name="expected"/>) and one hint.</summary>
    public void AssertShortError(string expected)
    {
        Assert.False(TimedOut, $"the command ran instead of stopping; stderr: {Stderr}");
        Assert.Equal(2, ExitCode);
        Assert.Contains(expected, Stderr, StringComparison.Ordinal);
        Assert.True(StderrLines.Length <= 2, $"expected one problem and one hint, got:\n{Stderr}");
        Assert.DoesNotContain("   at ", Stderr, StringComparison.Ordinal);
        Assert.Empty(Stdout);
    }

    /// <param name="args">The command line after <c>easyhard</c>; <c>bench ...</c> runs easyhard-bench.dll, as the
    /// <c>./easyhard</c> script does.</param>
    /// <param name="timeout">A command that should stop at once but does not (it runs the pipeline instead) is killed after this.</param>
    /// <param name="environment">Extra environment variables.</param>
    public static async Task<CliProcess> RunAsync(IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        args = [.. args];
        var easyhard = Path.Combine(AppContext.BaseDirectory, args.FirstOrDefault() == "bench" ? "easyhard-bench.dll" : "easyhard.dll");
        Assert.True(File.Exists(easyhard), $"{easyhard} is missing: the test project references the Host and Bench projects, which build it there.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Directory.CreateTempSubdirectory("easyhard-cli-").FullName,
        };
        foreach (var argument in (string[])[easyhard, .. args])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return new CliProcess(process.ExitCode, await stdout, await stderr, timedOut);
    }
}
