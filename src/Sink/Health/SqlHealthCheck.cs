using EasyHard.Sink.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EasyHard.Sink.Health;

/// <summary>
/// Readiness: the SQL database answers a trivial query. While it fails the Sink cannot make batches durable, so it
/// retries and must not be counted as ready (design: failures surface in <c>/health/ready</c>).
/// </summary>
public sealed class SqlHealthCheck(ISampleStore store) : IHealthCheck
{
    public const string Name = "sink-sql";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy("SQL database reachable.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, "SQL database unreachable.", e);
        }
    }
}
