using System.ComponentModel;
using System.Diagnostics;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>
/// <c>promtool</c> (Debian package <c>prometheus</c>) accepts the Prometheus configuration and alert rules under
/// <c>deploy/</c>. A missing promtool is a failure, never a skip.
/// </summary>
public sealed class PromtoolTests
{
    [Fact]
    public async Task Promtool_CheckConfig_AcceptsPrometheusYml() =>
        await AssertPromtoolSucceeds("check", "config", RepositoryFiles.PathOf("deploy/prometheus/prometheus.yml"));

    [Fact]
    public async Task Promtool_CheckRules_AcceptsAlertsYml() =>
        await AssertPromtoolSucceeds("check", "rules", RepositoryFiles.PathOf("deploy/prometheus/alerts.yml"));

    private static async Task AssertPromtoolSucceeds(params string[] arguments)
    {
        var start = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"promtool is not installed (apt-get install prometheus): {e.Message}");
        }

        using (process)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var output = await stdout + await stderr;
            Assert.True(process.ExitCode == 0, $"promtool {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{output}");
            Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
        }
    }
}
