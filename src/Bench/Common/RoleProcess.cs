using System.Diagnostics;
using System.Runtime.InteropServices;

namespace EasyHard.Bench.Common;

/// <summary>
/// One EasyHard role running as a child process (<c>dotnet easyhard.dll run --role R ...</c>) against a mock cluster
/// reached by address, so that it can be killed with SIGKILL like a crashed pod or stopped with SIGTERM like a pod
/// that Kubernetes deletes. Its output is kept for diagnostics.
/// </summary>
public sealed partial class RoleProcess : IDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly List<string> _log = [];

    private RoleProcess(Process process) => _process = process;

    /// <summary>Starts <c>easyhard run --role <paramref name="role"/></c> from the easyhard.dll beside this assembly.</summary>
    public static RoleProcess Start(string role, IEnumerable<string> config) => StartCommand(["run", "--role", role, .. config]);

    /// <summary>Runs <c>easyhard</c> with <paramref name="arguments"/> (e.g. <c>kafka</c>, or <c>run --role all ...</c>).</summary>
    public static RoleProcess StartCommand(IEnumerable<string> arguments)
    {
        var easyhard = Path.Combine(AppContext.BaseDirectory, "easyhard.dll");
        if (!File.Exists(easyhard))
        {
            throw new FileNotFoundException($"{easyhard} is missing: a role process runs the easyhard.dll built beside this assembly.", easyhard);
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[easyhard, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var child = new RoleProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public bool HasExited => _process.HasExited;

    public int Id => _process.Id;

    /// <summary>Everything it has written so far, stdout and stderr interleaved.</summary>
    public string Output
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    public string RecentOutput
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log.TakeLast(40));
            }
        }
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed or committed (.NET's Kill sends SIGKILL on Unix).</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>
    /// SIGTERM, then waits for the graceful shutdown (stop consuming, drain, flush, commit, close) to finish; SIGKILL
    /// after <paramref name="grace"/>, as Kubernetes does at the end of terminationGracePeriodSeconds.
    /// </summary>
    /// <returns>Whether the process exited by itself within the grace period.</returns>
    public async Task<bool> TerminateAsync(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return true;
        }

        if (Kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) of process {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            KillHard();
            return false;
        }
    }

    /// <summary>SIGTERM, then waits up to <paramref name="deadline"/> for the shutdown to finish; throws when it does not.</summary>
    public void Terminate(TimeSpan deadline)
    {
        if (!TerminateAsync(deadline).GetAwaiter().GetResult())
        {
            throw new TimeoutException($"still running {deadline.TotalSeconds:F0} s after SIGTERM:\n{RecentOutput}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

    // .NET has no API that sends a signal other than SIGKILL to another process (dotnet/runtime#59746).
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.Add(line);
        }
    }
}
