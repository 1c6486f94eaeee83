using EasyHard.Core.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Core.Tests;

public sealed class AssignmentWaitTests
{
    [Fact]
    public void NoPartitionsForThreeSessions_AsksToRejoin_ThenWaitsAFullSpanAgain()
    {
        var time = new FakeTimeProvider();
        var wait = new AssignmentWait("ingest", "g", sessionTimeoutMs: 10_000, new RoleReadiness(time), time, NullLogger.Instance);
        wait.Subscribed();

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(wait.Check());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(wait.Check());

        wait.Subscribed();
        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(wait.Check());
    }

    [Fact]
    public void Assigned_NeverAsksToRejoin()
    {
        var time = new FakeTimeProvider();
        var wait = new AssignmentWait("ingest", "g", sessionTimeoutMs: 45_000, new RoleReadiness(time), time, NullLogger.Instance);
        wait.Subscribed();
        wait.Assigned();

        time.Advance(TimeSpan.FromMinutes(10));

        Assert.False(wait.Check());
        Assert.Equal(TimeSpan.FromSeconds(135), wait.RejoinAfter);
    }
}
