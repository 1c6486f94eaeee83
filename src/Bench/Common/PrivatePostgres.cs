using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EasyHard.Bench.Common;

/// <summary>
/// A PostgreSQL server of its own (scripts/postgres.sh on another port and directory), so that it can be stopped and
/// started again mid-stream without disturbing any other server. The script uses Debian's postgresql binaries.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly int _port;
    private readonly string _directory;
    private readonly string _script;

    private PrivatePostgres(string script, int port, string directory)
    {
        _script = script;
        _port = port;
        _directory = directory;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Password=postgres;Database=easyhard_test";
    }

    public string ConnectionString { get; }

    public static async Task<PrivatePostgres> StartAsync()
    {
        var server = new PrivatePostgres(FindScript(), FreePort(), Path.Combine(Path.GetTempPath(), $"easyhard-pg-private-{Guid.NewGuid():N}"));
        await server.RunScriptAsync("start");
        // A run stopped with Ctrl-C or SIGTERM ends before its disposals finish: the server must not outlive it.
        AppDomain.CurrentDomain.ProcessExit += server.StopOnExit;
        return server;
    }

    /// <summary>Stops the server, keeping its data (an outage, not a loss).</summary>
    public Task HaltAsync() => RunScriptAsync("halt");

    public Task StartAgainAsync() => RunScriptAsync("start");

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        await RunScriptAsync("stop");
    }

    /// <summary>A TCP port nobody listens on now (the OS's choice for port 0).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>scripts/postgres.sh of the checkout this runs from: above the build output or the working directory.</summary>
    private static string FindScript()
    {
        foreach (var start in (string[])[AppContext.BaseDirectory, Environment.CurrentDirectory])
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var script = Path.Combine(dir.FullName, "scripts", "postgres.sh");
                if (File.Exists(script))
                {
                    return script;
                }
            }
        }

        throw new FileNotFoundException("scripts/postgres.sh was not found above the build output or the working directory; run from a checkout.");
    }

    private void StopOnExit(object? sender, EventArgs e) => RunScriptAsync("stop").GetAwaiter().GetResult();

    private async Task RunScriptAsync(string command)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(_script);
        start.ArgumentList.Add(command);
        start.Environment["EASYHARD_PG_PORT"] = _port.ToString(CultureInfo.InvariantCulture);
        start.Environment["EASYHARD_PG_DIR"] = _directory;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {command} failed ({process.ExitCode}): {await stderr}");
        }
    }
}
