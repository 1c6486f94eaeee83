namespace EasyHard.Bench.Chaos;

/// <summary>
/// Where every input id went, and the verdict: each id is on the trainer stream exactly once, or dead-lettered with a
/// reason, or missing, and the missing ones match the lost-to-retention count the roles report. Written to chaos.json.
/// </summary>
/// <param name="Duplicates">Ids on the trainer stream more than once.</param>
/// <param name="RepeatedRecords">Records on the trainer stream beyond the first of their id.</param>
/// <param name="VisibleRepeatAllowance">How many repeated records aborted or interrupted transactions may leave visible on the mock cluster.</param>
/// <param name="OnStreamAndDeadLettered">Ids both on the trainer stream and dead-lettered.</param>
/// <param name="OversizedOnStream">Records larger than Schema:MaxRecordBytes that reached the trainer stream.</param>
/// <param name="Unexpected">Ids on the trainer stream that no acknowledged input carried.</param>
/// <param name="Missing">Inputs neither on the trainer stream nor dead-lettered.</param>
/// <param name="LostOnInputByMetric">Ingest's <c>easyhard_ingest_records_lost_to_retention_total</c>, summed over its processes: records of the input topic.</param>
/// <param name="LostBetweenRolesByMetric">The Scorer's and the Sink's, summed over their processes: offsets, commit markers included.</param>
/// <param name="DeadLettersWithoutId">Dead-letter records that name no input (reported, not an input's fate).</param>
/// <param name="Examples">Up to ten ids per way of failing, to start an investigation from.</param>
public sealed record ChaosAccount(
    long Produced, long OnceOnTrainerStream, long DeadLettered, IReadOnlyDictionary<string, long> DeadLetteredByReason,
    long Duplicates, long RepeatedRecords, long VisibleRepeatAllowance, long OnStreamAndDeadLettered, long OversizedOnStream, long Unexpected, long Missing,
    long LostOnInputByMetric, long LostBetweenRolesByMetric, long DeadLettersWithoutId, IReadOnlyList<string> Failures,
    IReadOnlyDictionary<string, IReadOnlyList<string>> Examples)
{
    /// <summary>Offsets of the trainer stream and the dead-letter topic that retention deleted before the run's recorder read them (markers included).</summary>
    public long LostBeforeRecorded { get; init; }

    public bool Passed => Failures.Count == 0;
}
