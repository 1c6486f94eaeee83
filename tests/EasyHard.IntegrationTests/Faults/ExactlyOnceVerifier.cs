using Xunit.Abstractions;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>
/// After a fault scenario, proves that every valid input id appears exactly once on the trainer stream
/// (<c>easyhard.weighted</c> + quarantine, read with <c>read_committed</c>) and exactly once in SQL, with one
/// exposure, in the spirit of Kafka's own <c>streams_eos_test</c> verifier. Prints the counts either way.
/// </summary>
internal static class ExactlyOnceVerifier
{
    public sealed record Counts(string Where, int Expected, int Records, int Distinct, int Missing, int Duplicated, int Unexpected)
    {
        public bool ExactlyOnce => Records == Expected && Distinct == Expected && Missing == 0 && Duplicated == 0 && Unexpected == 0;

        public override string ToString() =>
            $"{Where}: expected {Expected}, records {Records}, distinct {Distinct}, missing {Missing}, duplicated {Duplicated}, unexpected {Unexpected}";
    }

    public static Counts Count(string where, IReadOnlyCollection<string> expected, IReadOnlyCollection<string> actual)
    {
        var expectedSet = expected.ToHashSet(StringComparer.Ordinal);
        var byId = actual.GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new Counts(where, expectedSet.Count, actual.Count, byId.Count,
            Missing: expectedSet.Count(id => !byId.ContainsKey(id)),
            Duplicated: byId.Count(kv => kv.Value > 1),
            Unexpected: byId.Keys.Count(id => !expectedSet.Contains(id)));
    }

    /// <summary>Reads the trainer stream and the SQL ids, prints both counts, and asserts exactly once in each.</summary>
    public static async Task AssertExactlyOnceAsync(FaultHarness harness, IReadOnlyCollection<string> validIds, ITestOutputHelper output)
    {
        var stream = Count("trainer stream (read_committed)", validIds, harness.TrainerStreamIds());
        var rows = await harness.StoredIdsAsync();
        var sql = Count("SQL sample_scores", validIds, rows);
        var reexposed = await harness.RowsWithExposuresAboveOneAsync();
        output.WriteLine(stream.ToString());
        output.WriteLine($"{sql}, rows with exposures > 1: {reexposed}");

        Assert.True(stream.ExactlyOnce, stream.ToString());
        Assert.True(sql.ExactlyOnce, sql.ToString());
        Assert.Equal(0, reexposed);
    }

    /// <summary>
    /// What a role killed with SIGKILL left behind, read before its successor starts: every id on its output topics,
    /// and where its offset journal says each input partition resumes (the batches it finished).
    /// </summary>
    public sealed record KillSnapshot(IReadOnlySet<string> OutputIds, IReadOnlyDictionary<Confluent.Kafka.TopicPartition, long> Resume);

    public static KillSnapshot SnapshotAfterKill(FaultHarness harness, string groupId, IReadOnlyList<string> outputTopics)
    {
        var outputIds = outputTopics.SelectMany(harness.Run.Read).Select(FaultHarness.IdOf).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var resume = new Dictionary<Confluent.Kafka.TopicPartition, long>();
        foreach (var record in harness.Run.Read(harness.Run.Topics.Options.OffsetJournal))
        {
            if (Core.Embedded.OffsetJournal.TryParse(groupId, record.Message.Key, record.Message.Value, out var partition, out var offset))
            {
                resume[partition] = offset;
            }
        }

        return new KillSnapshot(outputIds, resume);
    }

    /// <summary>
    /// Exactly once, except for the one batch the killed process had in flight. librdkafka's mock cluster (2.16)
    /// does not hide an unfinished transaction from read_committed readers (<see cref="MockClusterTransactionTests"/>),
    /// so whatever that batch had produced stays visible, and its successor, resuming from the journal, produces it
    /// again; Kafka would have aborted the first copy. So: every input the killed role had finished (before its
    /// journal position) is on its output exactly once; any repeated id is an input at or after that position that
    /// the killed process had already output, never more than one batch of them; nothing is missing anywhere; and
    /// downstream repeats only what the killed role's output repeats, and beyond that at most one batch per
    /// transaction the surviving roles aborted (<paramref name="abortedBySurvivors"/>: their aborted copy is visible on
    /// the mock for the same reason; an outage that holds their transactions back can make them abort). With nothing
    /// in flight and no abort, this is plain exactly-once.
    /// </summary>
    public static async Task AssertExactlyOnceAfterKillAsync(FaultHarness harness, IReadOnlyCollection<string> validIds, string inputTopic,
        IReadOnlyList<string> killedOutputTopics, KillSnapshot snapshot, int maxBatchSize, Func<double> abortedBySurvivors, ITestOutputHelper output)
    {
        var finished = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in harness.Run.Read(inputTopic))
        {
            var id = FaultHarness.IdOf(record);
            if (id is not null && record.Offset.Value < snapshot.Resume.GetValueOrDefault(record.TopicPartition, 0))
            {
                finished.Add(id);
            }
        }

        var inFlight = snapshot.OutputIds.Where(id => !finished.Contains(id)).ToHashSet(StringComparer.Ordinal);
        var killedOutput = killedOutputTopics.SelectMany(harness.Run.Read).Select(FaultHarness.IdOf).OfType<string>().ToList();
        var outputCounts = killedOutput.GroupBy(id => id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var repeated = outputCounts.Where(kv => kv.Value > 1).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        var finishedNotOnce = finished.Count(id => outputCounts.GetValueOrDefault(id) != 1);

        var streamIds = harness.TrainerStreamIds();
        var stream = Count("trainer stream", validIds, streamIds);
        var streamRepeatsElsewhere = streamIds.GroupBy(id => id, StringComparer.Ordinal).Count(g => g.Count() > 1 && !repeated.Contains(g.Key));
        var sql = Count("SQL sample_scores", validIds, await harness.StoredIdsAsync());
        var reexposed = await harness.ReexposedIdsAsync();

        output.WriteLine($"killed role's output ({string.Join('+', killedOutputTopics)}): {finished.Count} inputs finished before the kill "
            + $"({finishedNotOnce} of them not exactly once afterwards), {inFlight.Count} output from the batch in flight, "
            + $"{repeated.Count} ids repeated ({repeated.Count(id => !inFlight.Contains(id))} of them outside that batch)");
        var aborted = (int)abortedBySurvivors();
        output.WriteLine($"{stream}; {streamRepeatsElsewhere} ids repeated downstream outside the killed role's repeats; the surviving roles aborted {aborted} transactions");
        output.WriteLine($"{sql}, rows with exposures > 1: {reexposed.Count}");

        Assert.Equal(0, finishedNotOnce);
        Assert.Subset(inFlight, repeated);
        Assert.True(inFlight.Count <= maxBatchSize, $"{inFlight.Count} outputs beyond the journal: more than one batch ({maxBatchSize})");
        Assert.True(stream.Missing == 0 && stream.Unexpected == 0, stream.ToString());
        Assert.InRange(streamRepeatsElsewhere, 0, aborted * maxBatchSize);
        Assert.True(sql.ExactlyOnce, sql.ToString());
        Assert.Subset(repeated, reexposed.ToHashSet(StringComparer.Ordinal));
        if (inFlight.Count == 0)
        {
            Assert.True(aborted > 0 || stream.ExactlyOnce, stream.ToString());
            Assert.Empty(reexposed);
        }
    }
}
