using System.Diagnostics;

namespace EasyHard.IntegrationTests.Pipeline;

/// <summary>The README's first command, end to end in its own process: it must finish by itself and account for every sample.</summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_StreamsEverySample_AndExitsWithASummaryAndAReport()
    {
        var easyhard = Path.Combine(AppContext.BaseDirectory, "easyhard.dll");
        var directory = Directory.CreateTempSubdirectory("easyhard-demo-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])[easyhard, "demo", "--dataset", "synthetic", "--count", "3000", "--data-dir", directory, "--Http:Port=0"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Assert.Fail($"the demo did not finish within 3 minutes; its last output:\n{Tail(await stdout)}");
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}\n{Tail(output)}\n{await stderr}");
        Assert.Matches(@"emitted to trainers\s+3,000", output);
        Assert.Matches(@"SQL rows\s+3,000", output);
        Assert.Matches(@"noise calibration\s+0\.[0-4]\d\d  expected calibration error", output);
        var report = Path.Combine(directory, "report", "index.html");
        Assert.Matches($@"report\s+{System.Text.RegularExpressions.Regex.Escape(report)}", output);
        var html = await File.ReadAllTextAsync(report);
        Assert.Contains("<tr class=\"suspect\">", html, StringComparison.Ordinal);
        // 1 % malformed records by default, dead-lettered by Ingest: the report counts them from SQL alone.
        var deadLettered = System.Text.RegularExpressions.Regex.Match(output, @"^\s+dead-lettered\s+([\d,]+)", System.Text.RegularExpressions.RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEqual("0", deadLettered);
        Assert.Contains($"id=\"dead-lettered\">dead-lettered<b>{deadLettered}</b><span class=\"muted\">ingest: ", html, StringComparison.Ordinal);
        Directory.Delete(directory, recursive: true);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(30));
}
