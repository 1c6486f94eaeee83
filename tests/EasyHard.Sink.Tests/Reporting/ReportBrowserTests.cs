using System.Diagnostics;
using System.Text.RegularExpressions;
using EasyHard.Sink.Persistence;
using EasyHard.Sink.Reporting;
using EasyHard.Sink.Tests.Persistence;

namespace EasyHard.Sink.Tests.Reporting;

/// <summary>
/// The report file opened in a real headless Chromium (Debian's <c>chromium</c>; <c>test.sh</c> installs it): the
/// rendered DOM has every section and the gallery's rows, and a screenshot is drawn. A missing browser fails.
/// </summary>
public sealed class ReportBrowserTests : IAsyncLifetime
{
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(90);

    private TestDatabase _database = null!;

    private string _directory = "";

    private string _page = "";

    public async Task InitializeAsync()
    {
        _database = await ReportFixture.CreateAsync(DatabaseProviders.Sqlite);
        _directory = Directory.CreateTempSubdirectory("easyhard-report-browser-").FullName;
        _page = await SampleReport.WriteAsync(_database.Options, ReportFixture.ImageSchema, top: 3, Path.Combine(_directory, "report"), ReportFixture.Clock, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Chromium_OpensReport_RendersEverySectionAndTheGallery()
    {
        var dom = await RunChromiumAsync("--dump-dom");

        Assert.All(ReportHtmlTests.Sections, id => Assert.Contains($"<section id=\"{id}\">", dom, StringComparison.Ordinal));
        Assert.Equal(3, Regex.Matches(dom, "<tr class=\"suspect\">").Count);
        Assert.Equal(8, Regex.Matches(dom, "<svg ").Count);
        Assert.Contains("1 dog &lt;&amp;&gt;", dom, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chromium_ScreenshotOfReport_IsAPngWithContent()
    {
        var png = Path.Combine(_directory, "report.png");

        await RunChromiumAsync($"--screenshot={png}", "--window-size=1100,1600");

        var bytes = await File.ReadAllBytesAsync(png);
        Assert.True(bytes.Length > 20_000, $"a screenshot of the whole first screen is more than an empty page ({bytes.Length} bytes)");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
    }

    private async Task<string> RunChromiumAsync(params string[] action)
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Assert.Fail("Chromium is not installed: `apt-get install chromium` (test.sh installs it). The report's browser test needs it.");
        }

        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--hide-scrollbars",
            $"--user-data-dir={Path.Combine(_directory, "chromium-profile")}", .. action, new Uri(_page).AbsoluteUri,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {chromium}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(BrowserTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"Chromium did not finish within {BrowserTimeout.TotalSeconds} s; stderr: {await stderr}");
        }

        Assert.True(process.ExitCode == 0, $"Chromium exited with {process.ExitCode}; stderr: {await stderr}");
        return await stdout;
    }
}
