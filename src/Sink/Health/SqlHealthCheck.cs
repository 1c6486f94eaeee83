using EasyHard.Sink.Persistence;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EasyHard.Sink.Health;

/// <summary>
/// Readiness: the schema is migrated and the SQL database answers a trivial query. While either fails the Sink cannot
/// make batches durable, so it retries and must not be counted as ready (design: failures surface in
/// <c>/health/ready</c>); the description names the setting to check.
/// </summary>
public sealed class SqlHealthCheck(ISampleStore store, SchemaState? schema = null, string target = "Sink:Database:ConnectionString") : IHealthCheck
{
    public const string Name = "sink-sql";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context?.Registration.FailureStatus ?? HealthStatus.Unhealthy;
        if (schema is { NotReadyReason: { } reason })
        {
            return new HealthCheckResult(failure, $"SQL schema not migrated: {reason}");
        }

        try
        {
            await store.PingAsync(cancellationToken);
            return HealthCheckResult.Healthy("SQL database reachable.");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(failure, $"SQL database unreachable. Check {target}: {e.Message}", e);
        }
    }
}
