using System.Diagnostics;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>
/// One EasyHard role running as a child process (<c>dotnet easyhard.dll run --role R ...</c>) against the test's
/// mock cluster, so that it can be killed with SIGKILL like a crashed pod, or any other <c>easyhard</c> command.
/// Its output is kept for diagnostics and for tests that read what it logged.
/// </summary>
internal sealed class RoleProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];

    private RoleProcess(Process process) => _process = process;

    public static RoleProcess Start(string role, IEnumerable<string> config) => StartCommand(["run", "--role", role, .. config]);

    /// <summary>Runs <c>easyhard</c> with <paramref name="arguments"/> (e.g. <c>kafka</c>, or <c>run --role all ...</c>).</summary>
    public static RoleProcess StartCommand(IEnumerable<string> arguments)
    {
        var easyhard = Path.Combine(AppContext.BaseDirectory, "easyhard.dll");
        Assert.True(File.Exists(easyhard), $"{easyhard} is missing: the test project references the Host project, which builds it there.");
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

    /// <summary>SIGTERM, as <c>kill</c> or Kubernetes send it, then waits for the process to finish its shutdown.</summary>
    public void Terminate(TimeSpan deadline)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        Assert.True(_process.WaitForExit(deadline), $"still running {deadline.TotalSeconds:F0} s after SIGTERM:\n{RecentOutput}");
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed or committed (.NET's Kill sends SIGKILL on Unix).</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            KillHard();
        }

        _process.Dispose();
    }

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
