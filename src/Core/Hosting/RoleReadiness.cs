using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EasyHard.Core.Hosting;

/// <summary>
/// Readiness of the roles in this process: a role is ready once its consumer runs and while no failure is
/// being retried. Served on <c>/health/ready</c>.
/// </summary>
public sealed class RoleReadiness : IHealthCheck
{
    private readonly ConcurrentDictionary<string, string?> _notReadyReasons = new(StringComparer.Ordinal);

    public void Starting(string role) => _notReadyReasons[role] = "starting";

    public void Ready(string role) => _notReadyReasons[role] = null;

    public void NotReady(string role, string reason) => _notReadyReasons[role] = reason;

    public void Stopped(string role, string? cause = null) => _notReadyReasons[role] = cause is null ? "stopped" : $"stopped: {cause}";

    public bool IsReady => _notReadyReasons.Values.All(r => r is null);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failing = _notReadyReasons.Where(kv => kv.Value is not null).Select(kv => $"{kv.Key}: {kv.Value}").ToList();
        return Task.FromResult(failing.Count == 0
            ? HealthCheckResult.Healthy("all roles ready")
            : HealthCheckResult.Unhealthy(string.Join("; ", failing)));
    }
}
