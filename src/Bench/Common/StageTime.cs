using EasyHard.Core.Observability;

namespace EasyHard.Bench.Common;

/// <summary>
/// Where one role's Kafka shell spent a run, from its own metrics (<see cref="PipelineMetrics"/>): batches and records,
/// seconds in the role's core (parse, score, SQL…), seconds producing and awaiting delivery, seconds committing.
/// The rest of the wall time is spent collecting batches (waiting for records and for the batch delay).
/// </summary>
public sealed record StageTime(string Role, long Batches, long Records, double CoreSeconds, double ProduceSeconds, double CommitSeconds)
{
    public double MeanBatchSize => Batches == 0 ? 0 : (double)Records / Batches;

    /// <summary>The roles' totals so far; subtract two snapshots with <see cref="Since"/>.</summary>
    public static IReadOnlyList<StageTime> Snapshot(IEnumerable<string> roles) =>
        [.. roles.Select(role =>
        {
            var metrics = PipelineMetrics.For(role);
            return new StageTime(role, metrics.BatchSize.Count, (long)metrics.BatchSize.Sum, metrics.BatchDuration.Sum,
                metrics.ProduceDuration.Sum, metrics.CommitDuration.Sum);
        })];

    public static IReadOnlyList<StageTime> Since(IReadOnlyList<StageTime> before, IReadOnlyList<StageTime> after) =>
        [.. after.Zip(before, (a, b) => new StageTime(a.Role, a.Batches - b.Batches, a.Records - b.Records, a.CoreSeconds - b.CoreSeconds,
            a.ProduceSeconds - b.ProduceSeconds, a.CommitSeconds - b.CommitSeconds))];
}
