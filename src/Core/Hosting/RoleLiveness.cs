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
/// <para>A role that holds input and commits nothing for longer than <see cref="DeliveryOptions.StallTimeoutMs"/> is
/// also reported, even while each of its steps is short: a batch retried over and over (a failure that retrying does
/// not cure) must not look alive forever while its partitions stand still.</para>
/// </summary>
public sealed class RoleLiveness(RoleReadiness readiness, IOptions<DeliveryOptions> delivery) : IHealthCheck
{
    /// <summary>Three transaction timeouts and a margin: every bounded step (a commit and its retries, the journal read) ends well within it.</summary>
    public TimeSpan StuckAfter => TimeSpan.FromMilliseconds(3 * delivery.Value.TransactionTimeoutMs) + TimeSpan.FromSeconds(30);

    /// <summary>How long a role may hold input without committing any (<see cref="DeliveryOptions.StallTimeoutMs"/>).</summary>
    public TimeSpan StalledAfter => TimeSpan.FromMilliseconds(delivery.Value.StallTimeoutMs);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stuck = readiness.StuckLongerThan(StuckAfter);
        var stalled = readiness.StalledLongerThan(StalledAfter);
        if (stuck.Count == 0 && stalled.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("no role stuck"));
        }

        var problems = new List<string>(2);
        if (stuck.Count > 0)
        {
            problems.Add($"stuck longer than {StuckAfter.TotalSeconds:F0} s: {string.Join("; ", stuck)}");
        }

        if (stalled.Count > 0)
        {
            problems.Add($"no progress for longer than {StalledAfter.TotalSeconds:F0} s: {string.Join("; ", stalled)}");
        }

        return Task.FromResult(HealthCheckResult.Unhealthy(string.Join("; ", problems)));
    }
}
