using Microsoft.Extensions.Logging;

namespace EasyHard.Core.Hosting;

/// <summary>
/// Says what a member is waiting for between subscribing and its first assignment. The wait is normally a second or
/// two; after a member of the group was killed without leaving, the coordinator keeps that member (and its partitions)
/// until its session times out, and waits for it to rejoin before assigning anything: a silent stall unless logged.
/// A member still without partitions after three sessions has missed the rebalance that should have included it
/// (seen on librdkafka's mock cluster when a killed member, a restarted one and a member leaving overlap): it leaves
/// and joins the group again, which starts a new rebalance.
/// </summary>
public sealed partial class AssignmentWait(string role, string groupId, int sessionTimeoutMs, RoleReadiness readiness, TimeProvider time, ILogger logger)
{
    // The mock coordinator alone takes 3 s to form a new group (group.initial.rebalance.delay.ms), so wait longer than that.
    private static readonly TimeSpan FirstLog = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);

    private long _subscribedAt;
    private TimeSpan _nextLog = FirstLog;
    private volatile bool _assigned;

    public void Subscribed()
    {
        _subscribedAt = time.GetTimestamp();
        _assigned = false;
        _nextLog = FirstLog;
    }

    /// <summary>Called from the assignment callback.</summary>
    public void Assigned()
    {
        if (_assigned)
        {
            return;
        }

        _assigned = true;
        LogAssignedAfter(role, groupId, time.GetElapsedTime(_subscribedAt).TotalSeconds);
    }

    /// <summary>How long a member may wait for its first partitions before it joins the group again.</summary>
    public TimeSpan RejoinAfter => TimeSpan.FromMilliseconds(Math.Max(3 * sessionTimeoutMs, 30_000));

    /// <summary>
    /// Called while the consume loop gets no records; logs (and shows on /health/ready) how long it has waited.
    /// True when it has waited <see cref="RejoinAfter"/>: the caller then subscribes again and calls <see cref="Subscribed"/>.
    /// </summary>
    public bool Check()
    {
        if (_assigned)
        {
            return false;
        }

        var waited = time.GetElapsedTime(_subscribedAt);
        if (waited >= RejoinAfter)
        {
            LogRejoining(role, waited.TotalSeconds, groupId);
            return true;
        }

        if (waited < _nextLog)
        {
            return false;
        }

        _nextLog = waited + LogEvery;
        readiness.Step(role, $"waiting {waited.TotalSeconds:F0} s for partitions of group {groupId} (a killed member holds them up to its {sessionTimeoutMs / 1000.0:F0} s session)");
        LogWaiting(role, waited.TotalSeconds, groupId, sessionTimeoutMs);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} has had no partitions of group {GroupId} for {Seconds:F0} s: leaving and joining the group again to start a new rebalance")]
    private partial void LogRejoining(string role, double seconds, string groupId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} has waited {Seconds:F0} s for the coordinator of group {GroupId} to assign it partitions: a member that stopped without leaving (killed) keeps its partitions until its session times out, {SessionTimeoutMs} ms after its last heartbeat, and the coordinator waits for it to rejoin until then")]
    private partial void LogWaiting(string role, double seconds, string groupId, int sessionTimeoutMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} got its partitions of group {GroupId} after {Seconds:F1} s")]
    private partial void LogAssignedAfter(string role, string groupId, double seconds);
}
