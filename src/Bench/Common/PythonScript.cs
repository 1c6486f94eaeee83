using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using EasyHard.Host.Commands;

namespace EasyHard.Bench.Common;

/// <summary>
/// A benchmark's Python program (confluent-kafka, PyTorch) run as a child process against the benchmark's cluster:
/// started with <c>python3 -u</c>, ready once it prints <c>READY</c>, and done when it exits after printing one JSON
/// line with what it measured itself; lines <c>PROGRESS n</c> on the way report a count (<see cref="Progress"/>).
/// Its standard error is kept for the message of a failure.
/// </summary>
public sealed class PythonScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _stderr = [];
    private string? _report;
    private long _progress;

    private PythonScript(Process process, string name)
    {
        _process = process;
        _name = name;
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
            else if (e.Data.StartsWith("PROGRESS ", StringComparison.Ordinal)
                && long.TryParse(e.Data.AsSpan("PROGRESS ".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var progress))
            {
                Interlocked.Exchange(ref _progress, progress);
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

    /// <summary>The count of the last <c>PROGRESS n</c> line (0 before the first).</summary>
    public long Progress => Interlocked.Read(ref _progress);

    public bool HasExited => _process.HasExited;

    /// <summary>The end of its standard error, for a message.</summary>
    public string StderrTail()
    {
        lock (_stderr)
        {
            return _stderr.Count == 0 ? "" : "Its last output: " + string.Join('\n', _stderr.TakeLast(20));
        }
    }

    /// <summary>The interpreter to use: Debian's /usr/bin/python3 when present (it sees the apt packages), else python3 on PATH.</summary>
    public static string DefaultInterpreter => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary><paramref name="relativePath"/> found from the working directory or the executable's folder upwards; null when absent.</summary>
    public static string? Find(string relativePath)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                var candidate = Path.Combine(directory.FullName, relativePath);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Fails with the packages to install when the interpreter cannot import <paramref name="modules"/>.</summary>
    /// <param name="packages">The Debian packages that provide them, for the message.</param>
    /// <param name="alternative">What else the user can do, e.g. "(or pass --skip-python)", or empty.</param>
    public static async Task CheckPrerequisitesAsync(string interpreter, string modules, string packages, string purpose, string alternative,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(interpreter, ["-c", $"import {modules}"])
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

        var said = error.Trim().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        throw new MissingPrerequisiteException(
            $"{purpose} needs {interpreter} with {modules}: on Debian run `apt-get install -y {packages}`{alternative}. {interpreter} said: {said}");
    }

    /// <param name="name">What the script is, for messages ("The Python scorer").</param>
    public static async Task<PythonScript> StartAsync(string name, string interpreter, string script, IEnumerable<string> arguments, TimeSpan readyWithin,
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
        var child = new PythonScript(process, name);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(child._ready.Task, exited, Task.Delay(readyWithin, cancellationToken));
        if (first != child._ready.Task)
        {
            await child.DisposeAsync();
            throw new InvalidOperationException($"{name} did not become ready within {readyWithin.TotalSeconds:F0} s. {child.StderrTail()}");
        }

        return child;
    }

    /// <summary>Waits for the script to exit and returns the JSON line it printed last.</summary>
    public async Task<T> WaitAsync<T>(TimeSpan within, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{_name} did not finish within {within.TotalSeconds:F0} s. {StderrTail()}");
        }

        _process.WaitForExit(); // drains the redirected streams
        if (_process.ExitCode != 0 || _report is null)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{_name} exited with code {_process.ExitCode} without a report. {StderrTail()}"));
        }

        return JsonSerializer.Deserialize<T>(_report, BenchOutput.Json)
            ?? throw new InvalidOperationException($"{_name} printed an empty report.");
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
}
