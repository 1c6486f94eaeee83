using EasyHard.Core.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EasyHard.Core.Tests;

public sealed class RoleReadinessTests
{
    [Fact]
    public async Task InputLostToRetention_StaysReadyButDegraded_AndNamesThePartitionAndCount()
    {
        var readiness = new RoleReadiness();
        readiness.Ready("ingest");
        readiness.LostToRetention("ingest", "training-samples", 0, 400);
        readiness.LostToRetention("ingest", "training-samples", 0, 54);

        var result = await readiness.CheckHealthAsync(new HealthCheckContext());

        Assert.True(readiness.IsReady);
        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("records lost to retention: ingest training-samples [0] 454", result.Description);
    }
}
