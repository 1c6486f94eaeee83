using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>
/// A real Prometheus (Debian package <c>prometheus</c>) on 127.0.0.1 with a throwaway config and storage,
/// scraping the given targets every second. Disposing kills it and deletes its files.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly StringBuilder _log = new();

    private PrometheusServer(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public HttpClient Http { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<PrometheusServer> StartAsync(string metricsTarget, TimeSpan deadline)
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-prometheus-").FullName;
        var port = FreePort();
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: easyhard
                metrics_path: {RoleExpectations.MetricsPath}
                static_configs:
                  - targets: ["{metricsTarget}"]
            """);
        var start = new ProcessStartInfo("prometheus")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add($"--config.file={config}");
        start.ArgumentList.Add($"--storage.tsdb.path={Path.Combine(directory, "data")}");
        start.ArgumentList.Add($"--web.listen-address=127.0.0.1:{port}");
        start.ArgumentList.Add("--web.enable-lifecycle");
        start.ArgumentList.Add("--log.level=warn");

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            Directory.Delete(directory, recursive: true);
            throw new Xunit.Sdk.XunitException($"prometheus is not installed (apt-get install prometheus): {e.Message}");
        }

        var server = new PrometheusServer(process, directory, port);
        try
        {
            await Infrastructure.Eventually.WaitUntilAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new Xunit.Sdk.XunitException($"prometheus exited with {process.ExitCode}:\n{server.Log}");
                }

                try
                {
                    using var response = await server.Http.GetAsync("-/ready");
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, deadline, () => $"prometheus ready on port {port}\n{server.Log}");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs an instant query; returns the API's status and the result array (empty when none).</summary>
    public async Task<(string Status, JsonElement Result, string Raw)> QueryAsync(string expr)
    {
        var url = $"api/v1/query?query={Uri.EscapeDataString(expr)}&time={DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0:F3}";
        using var response = await Http.GetAsync(url);
        var raw = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(raw);
        var status = document.RootElement.GetProperty("status").GetString() ?? "";
        var result = document.RootElement.TryGetProperty("data", out var data) && data.TryGetProperty("result", out var r)
            ? r.Clone()
            : JsonDocument.Parse("[]").RootElement.Clone();
        return (status, result, raw);
    }

    /// <summary>Health of the single scrape target ("up", "down", "unknown").</summary>
    public async Task<string> TargetHealthAsync()
    {
        var raw = await Http.GetStringAsync("api/v1/targets");
        using var document = JsonDocument.Parse(raw);
        var active = document.RootElement.GetProperty("data").GetProperty("activeTargets");
        return active.GetArrayLength() == 0 ? "none" : active[0].GetProperty("health").GetString() ?? "";
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // The TSDB may still hold a lock file for a moment; the temp directory is left for the OS to clean.
            }
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"prometheus at {Http.BaseAddress}");
}
