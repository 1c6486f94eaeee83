using Dapper;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts.V1;
using EasyHard.Sink.Persistence;
using EasyHard.Sink.Reporting;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Sink.Tests.Persistence;

/// <summary>
/// What the Sink keeps for the report beside <c>sample_scores</c>, on SQLite and PostgreSQL: the features of the
/// noisiest samples only, within the bound, and its dead letters counted once each.
/// </summary>
public abstract class ReportTablesTests(string provider) : IAsyncLifetime
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero));

    private TestDatabase _database = null!;

    private ISampleStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        _store = SampleStoreFactory.Create(_database.Options, Clock, new ReportOptions { KeepFeaturesAboveNoise = 0.5, MaxFeatureRows = 3 });
        await _store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Upsert_KeepsFeaturesOfSamplesPastWarmUpWithNoiseAtLeastTheThreshold()
    {
        var again = Samples.Labelled("again", 0, noise: 0.75f, suggested: 1, p: 0.5f, originOffset: 2);
        again.Canonical.Sample.Features.Clear();
        again.Canonical.Sample.Features.Add([1f, -2f, 3.5f]);

        await _store.UpsertAsync(
        [
            Samples.Labelled("noisy", 0, noise: 0.75f, suggested: 1, p: 0.5f),
            Samples.Labelled("again", 0, noise: 0.625f, suggested: 1, p: 0.5f, originOffset: 1),
            Samples.Labelled("clean", 0, noise: 0.25f, suggested: 0, p: 0.5f),
            Samples.Labelled("warming", 0, noise: 0.875f, suggested: 1, p: 0.5f, warming: true),
            again, // the same id twice in a batch: the later exposure's features win
        ], CancellationToken.None);

        Assert.Equal(
            [("again", [1f, -2f, 3.5f]), ("noisy", [0.5f, 0.25f])],
            (await KeptAsync()).Select(k => (k.Id, k.Features)));
    }

    [Fact]
    public async Task Upsert_MoreNoisySamplesThanTheBound_KeepsOnlyTheNoisiest()
    {
        await _store.UpsertAsync([Noisy("n50", 0.5f), Noisy("n90", 0.9f), Noisy("n60", 0.6f)], CancellationToken.None);
        await _store.UpsertAsync([Noisy("n80", 0.8f), Noisy("n70", 0.7f)], CancellationToken.None);

        Assert.Equal(["n70", "n80", "n90"], (await KeptAsync()).Select(k => k.Id));
    }

    [Fact]
    public async Task Upsert_NewExposureScoredBelowTheThreshold_DropsItsFeatures()
    {
        await _store.UpsertAsync([Noisy("s", 0.9f)], CancellationToken.None);

        await _store.UpsertAsync([Samples.Labelled("s", 0, noise: 0.125f, suggested: 0, p: 0.5f, originOffset: 11)], CancellationToken.None);

        Assert.Empty(await KeptAsync());
    }

    [Fact]
    public async Task Upsert_NoRowsKept_KeepsNoFeatures()
    {
        await using var none = SampleStoreFactory.Create(_database.Options, Clock, new ReportOptions { MaxFeatureRows = 0 });

        await none.UpsertAsync([Noisy("s", 0.9f)], CancellationToken.None);

        Assert.Empty(await KeptAsync());
    }

    [Fact]
    public async Task CountDeadLetters_CountsEachOnceByRoleAndReason_EvenWhenTheBatchIsRedelivered()
    {
        DeadLetteredRecord[] first =
        [
            new("sink", RejectReasons.Unparsable, 0, 5),
            new("sink", RejectReasons.Incomplete, 0, 6),
            new("sink", RejectReasons.Unparsable, 1, 5),
            new("ingest", RejectReasons.Unparsable, 1, 6),
        ];

        await _store.CountDeadLettersAsync(first, CancellationToken.None);
        // Redelivered from the same committed offset, now with one record more.
        await _store.CountDeadLettersAsync([.. first, new("sink", RejectReasons.Unparsable, 0, 9)], CancellationToken.None);

        await using var connection = DatabaseConnections.Create(_database.Options);
        var counts = await connection.QueryAsync<(string Role, string Reason, long Records)>(
            "SELECT role, reason, SUM(records) FROM dead_letters GROUP BY role, reason ORDER BY role, reason");
        Assert.Equal(
            [("ingest", RejectReasons.Unparsable, 1L), ("sink", RejectReasons.Incomplete, 1L), ("sink", RejectReasons.Unparsable, 3L)],
            counts);
    }

    private static ScoredSample Noisy(string id, float noise) => Samples.Labelled(id, 0, noise, suggested: 1, p: 0.5f);

    private async Task<IReadOnlyList<(string Id, float[] Features)>> KeptAsync()
    {
        await using var connection = DatabaseConnections.Create(_database.Options);
        var rows = await connection.QueryAsync<(string Id, byte[] Features)>("SELECT sample_id, features FROM sample_features ORDER BY sample_id");
        return [.. rows.Select(r => (r.Id, FeatureBytes.Decode(r.Features)))];
    }
}

public sealed class SqliteReportTablesTests() : ReportTablesTests(DatabaseProviders.Sqlite);

/// <summary>Needs a PostgreSQL server: <c>eval "$(scripts/postgres.sh start)"</c>.</summary>
public sealed class PostgresReportTablesTests() : ReportTablesTests(DatabaseProviders.Postgres);
