using System.Diagnostics;
using EasyHard.IntegrationTests.Operations;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>
/// A PostgreSQL server of this test's own (scripts/postgres.sh on another port and directory), so that it can be
/// stopped and started again mid-stream without disturbing the shared test server.
/// </summary>
internal sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly int _port;
    private readonly string _directory;

    private PrivatePostgres(int port, string directory)
    {
        _port = port;
        _directory = directory;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database=easyhard_test";
    }

    public string ConnectionString { get; }

    public static async Task<PrivatePostgres> StartAsync()
    {
        var server = new PrivatePostgres(PrometheusServer.FreePort(), Path.Combine(Path.GetTempPath(), $"easyhard-pg-private-{Guid.NewGuid():N}"));
        await server.RunScriptAsync("start");
        return server;
    }

    /// <summary>Stops the server, keeping its data (an outage, not a loss).</summary>
    public Task HaltAsync() => RunScriptAsync("halt");

    public Task StartAgainAsync() => RunScriptAsync("start");

    public async ValueTask DisposeAsync() => await RunScriptAsync("stop");

    private async Task RunScriptAsync(string command)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(RepositoryFiles.PathOf("scripts/postgres.sh"));
        start.ArgumentList.Add(command);
        start.Environment["EASYHARD_PG_PORT"] = _port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["EASYHARD_PG_DIR"] = _directory;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"postgres.sh {command} failed ({process.ExitCode}): {await stderr}");
    }
}
