using System.Globalization;
using EasyHard.Bench.Common;

namespace EasyHard.Bench.Chaos;

/// <summary>
/// The chaos run's role processes: one process per role instance, each with its own HTTP port, started again with the
/// same instance id (and so the same transactional id and static identity) after a kill or a SIGTERM. It reads each
/// process's <see cref="RoleCounters"/> from <c>/metrics</c> periodically and just before the process goes, and sums the
/// last values of every process that ever ran: a counter restarts at zero with its process.
/// </summary>
public sealed class RoleFleet : IAsyncDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyList<string> _config;
    private readonly string _directory;
    private readonly TextWriter _log;
    private readonly Dictionary<string, Instance> _instances = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Role, RoleCounters Counters)> _countersByIncarnation = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private int _incarnations;
    private int _hardStops;

    /// <param name="config">Every role process's configuration (cluster, topics, database, schema).</param>
    /// <param name="directory">Where each instance keeps its scorer checkpoint.</param>
    public RoleFleet(IReadOnlyList<string> config, string directory, TextWriter log)
    {
        _config = config;
        _directory = directory;
        _log = log;
        // A run stopped with Ctrl-C or SIGTERM ends this process before its disposals finish; children it leaves behind
        // would keep running against a cluster that is gone.
        AppDomain.CurrentDomain.ProcessExit += KillAllOnExit;
    }

    private sealed class Instance(string role, string id, int port)
    {
        public string Role { get; } = role;

        public string Id { get; } = id;

        public int Port { get; } = port;

        public RoleProcess? Process { get; set; }

        public string Incarnation { get; set; } = "";

        /// <summary>Between a planned kill or stop and the next start: not a crash.</summary>
        public bool Down { get; set; }
    }

    /// <summary>Sum of the last counters read from every process that ran.</summary>
    public RoleCounters Counters => CountersOf(null);

    /// <summary>Sum of the last counters read from every process of <paramref name="role"/> that ran (of every role, when null).</summary>
    public RoleCounters CountersOf(string? role)
    {
        lock (_gate)
        {
            return _countersByIncarnation.Values.Where(c => role is null || c.Role == role)
                .Aggregate(RoleCounters.Zero, (sum, c) => sum.Add(c.Counters));
        }
    }

    /// <summary>Processes that ended without their graceful shutdown: SIGKILL, a SIGTERM past its grace period, a crash.</summary>
    public int HardStops => Volatile.Read(ref _hardStops);

    /// <summary>Starts (or starts again) the process of instance <paramref name="id"/> of <paramref name="role"/>.</summary>
    public void Start(string role, string id)
    {
        Instance instance;
        lock (_gate)
        {
            if (!_instances.TryGetValue(id, out instance!))
            {
                instance = new Instance(role, id, PrivatePostgres.FreePort());
                _instances[id] = instance;
            }

            instance.Incarnation = $"{id}#{++_incarnations}";
            instance.Down = false;
        }

        instance.Process = RoleProcess.Start(role,
        [
            .. _config,
            $"--Delivery:InstanceId={id}",
            "--Http:BindAddress=127.0.0.1",
            $"--Http:Port={instance.Port.ToString(CultureInfo.InvariantCulture)}",
            $"--Scorer:CheckpointPath={Path.Combine(_directory, id + ".ckpt")}",
        ]);
    }

    /// <summary>Waits until every running instance answers 200 on /health/ready.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + deadline;
        foreach (var instance in Snapshot())
        {
            while (true)
            {
                if (instance.Process is { HasExited: true } exited)
                {
                    throw new InvalidOperationException($"{instance.Id} exited during start-up:\n{exited.RecentOutput}");
                }

                try
                {
                    using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{instance.Port}/health/ready"), cancellationToken);
                    if (response.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // A slow answer while the process starts.
                }

                if (DateTime.UtcNow > until)
                {
                    throw new TimeoutException($"{instance.Id} not ready within {deadline.TotalSeconds:F0} s:\n{instance.Process?.RecentOutput}");
                }

                await Task.Delay(500, cancellationToken);
            }
        }
    }

    /// <summary>SIGKILL of the instance's process (its counter as last read stands for it).</summary>
    public async Task KillAsync(string id)
    {
        var instance = Of(id);
        instance.Down = true;
        await ScrapeAsync(instance);
        Interlocked.Increment(ref _hardStops);
        instance.Process?.KillHard();
        instance.Process?.Dispose();
        instance.Process = null;
    }

    /// <summary>SIGTERM and the graceful drain; SIGKILL after the grace period. Returns whether it drained in time.</summary>
    public async Task<bool> TerminateAsync(string id)
    {
        var instance = Of(id);
        instance.Down = true;
        await ScrapeAsync(instance);
        var clean = instance.Process is null || await instance.Process.TerminateAsync(Grace);
        if (!clean)
        {
            Interlocked.Increment(ref _hardStops);
            _log.WriteLine($"  {id} did not stop within {Grace.TotalSeconds:F0} s of SIGTERM; killed:\n{instance.Process?.RecentOutput}");
        }

        instance.Process?.Dispose();
        instance.Process = null;
        return clean;
    }

    /// <summary>Reads every running process's counter.</summary>
    public async Task ScrapeAllAsync()
    {
        foreach (var instance in Snapshot())
        {
            await ScrapeAsync(instance);
        }
    }

    /// <summary>
    /// Starts again every instance whose process exited by itself (what Kubernetes does for a crashed pod) and says
    /// which, with the end of its output: a crash is a finding of the run, not a fault the nemesis planned.
    /// </summary>
    public IReadOnlyList<string> RestartCrashed()
    {
        var crashed = new List<string>();
        foreach (var instance in Snapshot().Where(i => !i.Down && i.Process is { HasExited: true }))
        {
            crashed.Add($"{instance.Id} exited by itself:\n{instance.Process!.RecentOutput}");
            Interlocked.Increment(ref _hardStops);
            instance.Process.Dispose();
            instance.Process = null;
            Start(instance.Role, instance.Id);
        }

        return crashed;
    }

    /// <summary>What every running instance says of itself (/health/ready) and its last output: why a drain stalled.</summary>
    public async Task<string> DescribeAsync()
    {
        var text = new System.Text.StringBuilder();
        foreach (var instance in Snapshot().Where(i => i.Process is not null))
        {
            string health;
            try
            {
                using var response = await _http.GetAsync(new Uri($"http://127.0.0.1:{instance.Port}/health/ready"));
                health = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                health = e.Message;
            }

            text.Append(CultureInfo.InvariantCulture, $"{instance.Id}: /health/ready {health.Trim()}\n{instance.Process?.RecentOutput}\n");
        }

        return text.ToString();
    }

    /// <summary>SIGTERM to every process, one after another, downstream last so that it drains what upstream flushed.</summary>
    public async Task StopAllAsync()
    {
        foreach (var instance in Snapshot().OrderBy(i => Array.IndexOf(ChaosSchedule.Roles, i.Role)))
        {
            if (instance.Process is not null)
            {
                await TerminateAsync(instance.Id);
            }
        }
    }

    /// <summary>Kills whatever still runs (a run that failed half-way); <see cref="StopAllAsync"/> is the graceful end.</summary>
    public ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillAllOnExit;
        foreach (var instance in Snapshot())
        {
            instance.Process?.Dispose();
        }

        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private void KillAllOnExit(object? sender, EventArgs e)
    {
        foreach (var instance in Snapshot())
        {
            instance.Process?.Dispose();
        }
    }

    private Instance Of(string id)
    {
        lock (_gate)
        {
            return _instances[id];
        }
    }

    private List<Instance> Snapshot()
    {
        lock (_gate)
        {
            return [.. _instances.Values];
        }
    }

    private async Task ScrapeAsync(Instance instance)
    {
        var incarnation = instance.Incarnation;
        if (instance.Process is null or { HasExited: true })
        {
            return;
        }

        try
        {
            var text = await _http.GetStringAsync(new Uri($"http://127.0.0.1:{instance.Port}/metrics"));
            var counters = RoleCounters.Read(text, instance.Role);
            lock (_gate)
            {
                var last = _countersByIncarnation.TryGetValue(incarnation, out var read) ? read.Counters : RoleCounters.Zero;
                _countersByIncarnation[incarnation] = (instance.Role, last.Max(counters));
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // Starting, or busy: the next read catches up (a counter only grows).
        }
    }
}
