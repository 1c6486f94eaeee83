using EasyHard.Core.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EasyHard.Core.Hosting;

/// <summary>
/// Liveness on <c>/health/live</c>: a role whose consume loop has sat in one step (processing, delivering, reading
/// the journal) far beyond every timeout it passes to Kafka is stuck in a call that ignores its timeout, and only a
/// restart frees it. Known case: librdkafka's <c>rd_kafka_send_offsets_to_transaction</c> can block indefinitely
/// while the group coordinator is down (librdkafka issue #5456). The orchestrator's liveness probe then restarts
/// the process; the transaction it had open is aborted by its successor.
/// </summary>
public sealed class RoleLiveness(RoleReadiness readiness, IOptions<DeliveryOptions> delivery) : IHealthCheck
{
    /// <summary>Three transaction timeouts and a margin: every bounded step (a commit and its retries, the journal read) ends well within it.</summary>
    public TimeSpan StuckAfter => TimeSpan.FromMilliseconds(3 * delivery.Value.TransactionTimeoutMs) + TimeSpan.FromSeconds(30);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stuck = readiness.StuckLongerThan(StuckAfter);
        return Task.FromResult(stuck.Count == 0
            ? HealthCheckResult.Healthy("no role stuck")
            : HealthCheckResult.Unhealthy($"stuck longer than {StuckAfter.TotalSeconds:F0} s: {string.Join("; ", stuck)}"));
    }
}
