namespace EasyHard.Bench.Chaos;

/// <summary>What the chaos nemesis can do; each kind is switched on by its name in <c>--faults</c> (<see cref="FaultKinds"/>).</summary>
public enum FaultKind
{
    /// <summary>A role's process killed with SIGKILL, started again with the same instance id.</summary>
    Kill,

    /// <summary>A role's process stopped with SIGTERM (graceful drain), started again with the same instance id.</summary>
    Term,

    /// <summary>A mock broker down for a few seconds.</summary>
    BrokerDown,

    /// <summary>Every partition of one pipeline topic moved to other leaders.</summary>
    LeaderMove,

    /// <summary>Retriable errors pushed onto the next requests of one Kafka API (produce, fetch, a transaction step).</summary>
    RequestErrors,

    /// <summary>A record larger than <c>Schema:MaxRecordBytes</c> on the input topic: must be dead-lettered.</summary>
    Oversized,

    /// <summary>A valid record just under the producer's message.max.bytes: its canonical form on easyhard.samples is larger.</summary>
    NearLimit,

    /// <summary>The Sink's PostgreSQL stopped for a few seconds and started again (the run uses PostgreSQL).</summary>
    PostgresRestart,

    /// <summary>An extra instance of a role joins its group and leaves it (SIGTERM) a few seconds later.</summary>
    MemberChurn,
}
