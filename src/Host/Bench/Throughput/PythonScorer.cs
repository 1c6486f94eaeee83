using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using EasyHard.Host.Bench.Common;

namespace EasyHard.Host.Bench.Throughput;

/// <summary>
/// Runs <c>bench/python/scorer.py</c> (confluent-kafka + PyTorch) as a child process against the benchmark's cluster:
/// starts it, waits until its consumer has its partitions (it prints READY), and at the end reads the JSON line it
/// prints with its own count, time, CPU and memory.
/// </summary>
public sealed class PythonScorer : IAsyncDisposable
{
    public const string Packages = "python3-torch python3-confluent-kafka";

    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _stderr = [];
    private string? _report;

    private PythonScorer(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            if (e.Data.Trim() == "READY")
            {
                _ready.TrySetResult();
            }
            else if (e.Data.TrimStart().StartsWith('{'))
            {
                _report = e.Data;
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.Add(e.Data);
                }
            }
        };
    }

    /// <summary>What the script measured itself (its clock runs from its first batch to its last commit).</summary>
    public sealed record Report(
        long Count, double Seconds, double SamplesPerSecond, double CpuSeconds, long MaxRssBytes, int Threads,
        string Python, string Torch, [property: JsonPropertyName("confluent_kafka")] string ConfluentKafka);

    /// <summary>The interpreter to use: Debian's /usr/bin/python3 when present (it sees the apt packages), else python3 on PATH.</summary>
    public static string DefaultInterpreter => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>bench/python/scorer.py found from the working directory or the executable's folder upwards; null when absent.</summary>
    public static string? FindScript()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, "bench", "python", "scorer.py");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Fails with the packages to install when the interpreter cannot import torch and confluent_kafka.</summary>
    public static async Task CheckPrerequisitesAsync(string interpreter, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(interpreter, ["-c", "import torch, confluent_kafka, numpy"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        string error;
        try
        {
            using var check = Process.Start(start) ?? throw new InvalidOperationException($"could not start {interpreter}");
            error = await check.StandardError.ReadToEndAsync(cancellationToken);
            await check.WaitForExitAsync(cancellationToken);
            if (check.ExitCode == 0)
            {
                return;
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            error = e.Message;
        }

        throw new InvalidOperationException(
            $"The Python baseline needs {interpreter} with PyTorch and confluent-kafka: on Debian run `apt-get install -y {Packages}` " +
            $"(or pass --skip-python). {interpreter} said: {error.Trim()}");
    }

    public static async Task<PythonScorer> StartAsync(string interpreter, string script, IEnumerable<string> arguments, TimeSpan readyWithin,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(interpreter)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-u");
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var scorer = new PythonScorer(process);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(scorer._ready.Task, exited, Task.Delay(readyWithin, cancellationToken));
        if (first != scorer._ready.Task)
        {
            await scorer.DisposeAsync();
            throw new InvalidOperationException($"The Python scorer did not become ready within {readyWithin.TotalSeconds:F0} s. {scorer.StderrTail()}");
        }

        return scorer;
    }

    public async Task<Report> WaitAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The Python scorer did not finish within {within.TotalSeconds:F0} s. {StderrTail()}");
        }

        _process.WaitForExit(); // drains the redirected streams
        if (_process.ExitCode != 0 || _report is null)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The Python scorer exited with code {_process.ExitCode} without a report. {StderrTail()}"));
        }

        return JsonSerializer.Deserialize<Report>(_report, BenchOutput.Json)
            ?? throw new InvalidOperationException("The Python scorer printed an empty report.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private string StderrTail()
    {
        lock (_stderr)
        {
            return _stderr.Count == 0 ? "" : "Its last output: " + string.Join('\n', _stderr.TakeLast(20));
        }
    }
}
