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
}
