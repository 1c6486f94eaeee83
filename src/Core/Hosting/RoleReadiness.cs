using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EasyHard.Core.Hosting;

/// <summary>
/// Readiness of the roles in this process: a role is ready once its consumer runs and while no failure is
/// being retried; input lost to retention makes it degraded. Served on <c>/health/ready</c>.
/// </summary>
public sealed class RoleReadiness : IHealthCheck
{
    private readonly ConcurrentDictionary<string, string?> _notReadyReasons = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string Step, DateTimeOffset Since)> _steps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _waitingSince = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lost = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public RoleReadiness(TimeProvider time) => _time = time;

    public RoleReadiness()
        : this(TimeProvider.System)
    {
    }

    public void Starting(string role) => _notReadyReasons[role] = "starting";

    public void Ready(string role) => _notReadyReasons[role] = null;

    public void NotReady(string role, string reason) => _notReadyReasons[role] = reason;

    public void Stopped(string role, string? cause = null) => _notReadyReasons[role] = cause is null ? "stopped" : $"stopped: {cause}";

    /// <summary>The step of a consume loop waiting for input: it may last any time without anything being wrong.</summary>
    public const string CollectingStep = "collecting a batch";

    /// <summary>What the role's consume loop is doing now; reported with its age, so a role stuck in one step shows where.</summary>
    public void Step(string role, string step) => _steps[role] = (step, _time.GetUtcNow());

    /// <summary>Roles that have spent longer than <paramref name="limit"/> in one step other than waiting for input.</summary>
    public IReadOnlyList<string> StuckLongerThan(TimeSpan limit)
    {
        var now = _time.GetUtcNow();
        return _steps.Where(kv => kv.Value.Step != CollectingStep && now - kv.Value.Since > limit)
            .Select(kv => $"{kv.Key} {kv.Value.Step} for {(now - kv.Value.Since).TotalSeconds:F0} s").ToList();
    }

    /// <summary>
    /// The role holds consumed input it has not committed yet. The clock starts at the first such batch after the
    /// role was last idle or last committed, so a batch retried forever keeps it running.
    /// </summary>
    public void InputPending(string role) => _waitingSince.TryAdd(role, _time.GetUtcNow());

    /// <summary>The role committed a batch: input still in hand counts from now.</summary>
    public void Progressed(string role)
    {
        if (_waitingSince.ContainsKey(role))
        {
            _waitingSince[role] = _time.GetUtcNow();
        }
    }

    /// <summary>The role holds no uncommitted input (it committed everything and found nothing new).</summary>
    public void Idle(string role) => _waitingSince.TryRemove(role, out _);

    /// <summary>Roles that have held uncommitted input without committing anything for longer than <paramref name="limit"/>.</summary>
    public IReadOnlyList<string> StalledLongerThan(TimeSpan limit)
    {
        var now = _time.GetUtcNow();
        return _waitingSince.Where(kv => now - kv.Value > limit)
            .Select(kv => $"{kv.Key} has committed nothing for {(now - kv.Value).TotalSeconds:F0} s with input waiting").ToList();
    }

    public bool IsReady => _notReadyReasons.Values.All(r => r is null);

    /// <summary>
    /// Records that the broker deleted input of <paramref name="role"/> before it was read. Readiness stays as it is (the
    /// role goes on, and restarting it would not bring the records back), but the check reports the loss as degraded
    /// for as long as the process runs, so that it is seen.
    /// </summary>
    public void LostToRetention(string role, string topic, int partition, long records) =>
        _lost.AddOrUpdate($"{role} {topic} [{partition.ToString(CultureInfo.InvariantCulture)}]", records, (_, total) => total + records);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = _notReadyReasons.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key}: {kv.Value}").ToList();
        var now = _time.GetUtcNow();
        var steps = string.Join("; ", _steps.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key} {kv.Value.Step} for {(now - kv.Value.Since).TotalSeconds:F1} s"));
        var lost = _lost.IsEmpty ? string.Empty
            : "; records lost to retention: " + string.Join(", ", _lost.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                .Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value}")));
        if (failing.Count > 0)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"{string.Join("; ", failing)}{lost} ({steps})"));
        }

        return Task.FromResult(_lost.IsEmpty
            ? HealthCheckResult.Healthy($"all roles ready ({steps})")
            : HealthCheckResult.Degraded($"all roles ready{lost} ({steps})"));
    }
}
