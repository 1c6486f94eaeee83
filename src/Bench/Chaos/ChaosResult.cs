using EasyHard.Bench.Common;

namespace EasyHard.Bench.Chaos;

/// <summary>Everything <c>easyhard bench chaos</c> did and found, as written to chaos.json.</summary>
/// <param name="Faults">The schedule as carried out: each fault with its planned and actual times and its outcome.</param>
/// <param name="Sent">Samples the load producer sent; <paramref name="ProducerFailed"/> of them the broker never acknowledged.</param>
/// <param name="ProducerNote">Why the load producer stopped before the end, if it did (a pipeline that stalled).</param>
/// <param name="Crashes">Role processes that exited by themselves (each was started again), with their last output.</param>
/// <param name="AbortedTransactions">Transactions the roles aborted, by their metric.</param>
/// <param name="StalledPartitions">Partitions the roles found with records to read but yielding none, and assigned again.</param>
/// <param name="HardStops">Role processes that ended without a graceful shutdown (SIGKILL, SIGTERM past its grace, crash).</param>
public sealed record ChaosResult(
    MachineDescription Machine, ChaosResult.Setup Settings, IReadOnlyList<ChaosFaultRecord> Faults, long Sent, long ProducerFailed,
    string? ProducerNote, IReadOnlyList<string> Crashes, long AbortedTransactions, long StalledPartitions,
    int HardStops, double DrainSeconds, ChaosAccount Account)
{
    public sealed record Setup(double Minutes, int Seed, IReadOnlyList<string> Faults, double Rate, int Dimension, double MeanGapSeconds,
        double SettleSeconds, string Database, IReadOnlyList<string> ExtraConfig);

    /// <summary>Where the missing ids were last seen on the way (<see cref="PipelineTrace"/>), as a markdown table; empty when none is missing.</summary>
    public string MissingLastSeen { get; init; } = "";

    public bool Passed => Account.Passed;
}
