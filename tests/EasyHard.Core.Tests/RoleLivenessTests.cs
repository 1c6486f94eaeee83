using EasyHard.Core.Configuration;
using EasyHard.Core.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace EasyHard.Core.Tests;

public sealed class RoleLivenessTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ManualClock _clock = new();
    private readonly RoleReadiness _readiness;
    private readonly RoleLiveness _liveness;

    public RoleLivenessTests()
    {
        _readiness = new RoleReadiness(_clock);
        _liveness = new RoleLiveness(_readiness, Options.Create(new DeliveryOptions { TransactionTimeoutMs = 10_000, StallTimeoutMs = 120_000 }));
    }

    [Fact]
    public void StuckAfter_IsThreeTransactionTimeoutsAndAMargin() => Assert.Equal(TimeSpan.FromSeconds(60), _liveness.StuckAfter);

    [Fact]
    public async Task WaitingForInput_IsAliveHowEverLongItLasts()
    {
        _readiness.Step("sink", RoleReadiness.CollectingStep);
        _clock.Now += TimeSpan.FromHours(5);

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);
    }

    [Fact]
    public async Task OneStepBeyondTheLimit_IsReportedStuck_UntilTheLoopMovesOn()
    {
        _readiness.Step("sink", RoleReadiness.CollectingStep);
        _readiness.Step("scorer", "delivering 256 records");
        _clock.Now += TimeSpan.FromSeconds(59);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);

        _clock.Now += TimeSpan.FromSeconds(2);
        var stuck = await CheckAsync();
        Assert.Equal(HealthStatus.Unhealthy, stuck.Status);
        Assert.Contains("scorer delivering 256 records for 61 s", stuck.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("sink", stuck.Description, StringComparison.Ordinal);

        _readiness.Step("scorer", RoleReadiness.CollectingStep);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);
    }

    [Fact]
    public async Task Readiness_SaysWhatEachRoleIsDoing()
    {
        _readiness.Ready("ingest");
        _readiness.Step("ingest", "processing 12 records");
        _clock.Now += TimeSpan.FromSeconds(1.5);

        var ready = await _readiness.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, ready.Status);
        Assert.Equal("all roles ready (ingest processing 12 records for 1.5 s)", ready.Description);
    }

    [Fact]
    public async Task InputRetriedWithoutCommitBeyondTheStallBound_IsNotAlive_EvenThoughEachStepIsShort()
    {
        // A batch retried over and over: every attempt is a short step, but the input never moves.
        _readiness.InputPending("ingest");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            _readiness.Step("ingest", $"backing off 30.0 s before attempt {attempt + 2}");
            _clock.Now += TimeSpan.FromSeconds(30);
            _readiness.InputPending("ingest");
        }

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);

        _clock.Now += TimeSpan.FromSeconds(31);
        var stalled = await CheckAsync();

        Assert.Equal(HealthStatus.Unhealthy, stalled.Status);
        Assert.Contains("no progress for longer than 120 s", stalled.Description, StringComparison.Ordinal);
        Assert.Contains("ingest has committed nothing for 121 s with input waiting", stalled.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommitsWhileInputKeepsComing_AndIdleWaits_StayAlive()
    {
        for (var batch = 0; batch < 10; batch++)
        {
            _readiness.InputPending("scorer");
            _clock.Now += TimeSpan.FromSeconds(100);
            _readiness.Progressed("scorer");
        }

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);

        _readiness.Idle("scorer");
        _clock.Now += TimeSpan.FromHours(5);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync()).Status);
    }

    private Task<HealthCheckResult> CheckAsync() => _liveness.CheckHealthAsync(new HealthCheckContext());
}
