namespace EasyHard.Bench.Chaos;

/// <summary>
/// The chaos run's verifier, in the spirit of Jepsen's checkers and Kafka's <c>transactions_test</c> (which copies
/// input to output under bounces and then checks the output holds every input once): a pure function of what was
/// produced, what the trainer stream and the dead-letter topic hold, and the lost-to-retention count the roles report.
/// <para>
/// Repeats on the trainer stream are allowed only up to <c>visibleRepeatAllowance</c> records: librdkafka's mock cluster
/// (2.16) shows the records of aborted and unfinished transactions to read_committed readers (MockClusterTransactionTests
/// in the integration tests), so each transaction a role aborted, and each role process that ended mid-transaction, can
/// leave one batch visible that is then produced again; Kafka would hide it. The caller passes (aborted transactions +
/// hard stops) × the largest batch, the bound the kill scenarios of the fault suite hold a single kill to; 0 is strict.
/// </para>
/// <para>
/// Loss to retention is counted in offsets. On the input topic, which the load producer writes without transactions,
/// one offset is one record, so the ids missing must number exactly what Ingest reports there. Between roles, each
/// transaction also takes one offset per partition for its commit or abort marker (and the mock keeps aborted records),
/// so what the Scorer and the Sink report is an upper bound: missing ids then lie between Ingest's count and Ingest's
/// count plus theirs. Without loss between roles the check is exact.
/// </para>
/// <para>
/// The trainer stream and the dead-letter topic are read by the run's own recorder, which the same retention can
/// outrun: what it finds deleted before it read it (offsets, markers included, <see cref="OutputRecorder"/>) is an
/// upper bound of its own, reported apart from the roles' loss, since no role lost those records.
/// </para>
/// </summary>
public static class ChaosAccounting
{
    private const int ExamplesPerFailure = 10;

    /// <param name="lostOnInput">Records of the input topic deleted before Ingest read them, by its metric.</param>
    /// <param name="lostBetweenRoles">Offsets of the topics between roles deleted before the Scorer or the Sink read them, by their metrics.</param>
    /// <param name="lostBeforeRecorded">Offsets of the trainer stream and the dead-letter topic deleted before the recorder read them.</param>
    public static ChaosAccount Account(IReadOnlyCollection<ChaosInput> produced, IEnumerable<string> trainerStreamIds,
        IEnumerable<DeadLetter> deadLetters, long lostOnInput, long lostBetweenRoles = 0, long visibleRepeatAllowance = 0, long lostBeforeRecorded = 0)
    {
        ArgumentNullException.ThrowIfNull(produced);
        ArgumentNullException.ThrowIfNull(trainerStreamIds);
        ArgumentNullException.ThrowIfNull(deadLetters);
        var inputs = produced.ToDictionary(i => i.Id, StringComparer.Ordinal);
        var onStream = trainerStreamIds.GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var letters = deadLetters.ToList();
        var deadLettered = letters.Where(d => d.Id is not null && inputs.ContainsKey(d.Id)).GroupBy(d => d.Id!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Reason, StringComparer.Ordinal);

        var duplicates = onStream.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToList();
        var both = deadLettered.Keys.Where(onStream.ContainsKey).ToList();
        var oversized = inputs.Values.Where(i => i.MustDeadLetter && onStream.ContainsKey(i.Id)).Select(i => i.Id).ToList();
        var unexpected = onStream.Keys.Where(id => !inputs.ContainsKey(id)).ToList();
        var acknowledged = inputs.Values.Where(i => !i.Unacknowledged).Select(i => i.Id).ToList();
        var missing = acknowledged.Where(id => !onStream.ContainsKey(id) && !deadLettered.ContainsKey(id)).ToList();
        var once = acknowledged.Count(id => onStream.GetValueOrDefault(id) == 1 && !deadLettered.ContainsKey(id));

        var failures = new List<string>();
        var examples = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        void Check(string key, IReadOnlyList<string> ids, string what)
        {
            if (ids.Count > 0)
            {
                failures.Add($"{ids.Count:N0} {what}");
                examples[key] = [.. ids.Order(StringComparer.Ordinal).Take(ExamplesPerFailure)];
            }
        }

        var repeats = onStream.Values.Sum(count => (long)count - 1);
        if (repeats > visibleRepeatAllowance)
        {
            failures.Add($"{repeats:N0} repeated records on the trainer stream ({duplicates.Count:N0} ids), more than the {visibleRepeatAllowance:N0} that aborted or interrupted transactions may leave visible on the mock cluster");
            examples["duplicates"] = [.. duplicates.Order(StringComparer.Ordinal).Take(ExamplesPerFailure)];
        }

        Check("on_stream_and_dead_lettered", both, "ids both on the trainer stream and dead-lettered");
        Check("oversized_on_stream", oversized, "oversized records on the trainer stream");
        Check("unexpected", unexpected, "ids on the trainer stream that were never produced");
        if (missing.Count < lostOnInput || missing.Count > lostOnInput + lostBetweenRoles + lostBeforeRecorded)
        {
            var recorder = lostBeforeRecorded == 0 ? "" : $", and the recorder {lostBeforeRecorded:N0} offsets of the output topics";
            failures.Add(lostBetweenRoles == 0
                ? $"{missing.Count:N0} ids neither on the trainer stream nor dead-lettered, but the roles report {lostOnInput:N0} lost to retention{recorder}"
                : $"{missing.Count:N0} ids neither on the trainer stream nor dead-lettered, but the roles report {lostOnInput:N0} records lost to retention on the input topic and {lostBetweenRoles:N0} offsets between roles{recorder}");
            examples["missing"] = [.. missing.Order(StringComparer.Ordinal).Take(ExamplesPerFailure)];
        }

        var byReason = deadLettered.Values.GroupBy(r => r, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        return new ChaosAccount(acknowledged.Count, once, deadLettered.Count, byReason, duplicates.Count, repeats, visibleRepeatAllowance, both.Count, oversized.Count,
            unexpected.Count, missing.Count, lostOnInput, lostBetweenRoles, letters.Count(d => d.Id is null || !inputs.ContainsKey(d.Id)),
            failures, examples) { LostBeforeRecorded = lostBeforeRecorded };
    }
}
