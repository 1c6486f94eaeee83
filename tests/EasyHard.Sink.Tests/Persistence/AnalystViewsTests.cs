using Dapper;
using EasyHard.Sink.Persistence;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Sink.Tests.Persistence;

/// <summary>
/// The analysts' views (migration 0003) against a handful of rows whose answers are worked out by hand, run against
/// SQLite and PostgreSQL by the subclasses.
/// </summary>
public abstract class AnalystViewsTests(string provider) : IAsyncLifetime
{
    private const double Tolerance = 1e-6;

    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero));

    private TestDatabase _database = null!;

    private DatabaseOptions _options = null!;

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync(provider);
        _options = _database.Options;
        await using var store = SampleStoreFactory.Create(_options, Clock);
        await store.MigrateAsync(CancellationToken.None);
        // Label 0: three suspects (two suggest 1, one suggests 2) and one clean sample; label 1: one suspect, one
        // clean, one without a suggestion. The warming row would top every view if it were counted.
        await store.UpsertAsync(
        [
            Samples.Labelled("a", label: 0, noise: 0.9f, suggested: 1, p: 0.8f),
            Samples.Labelled("b", label: 0, noise: 0.7f, suggested: 1, p: 0.6f),
            Samples.Labelled("c", label: 0, noise: 0.6f, suggested: 2, p: 0.55f),
            Samples.Labelled("d", label: 0, noise: 0.1f, suggested: 0, p: 0.9f),
            Samples.Labelled("e", label: 1, noise: 0.2f, suggested: 1, p: 0.85f),
            Samples.Labelled("f", label: 1, noise: 0.8f, suggested: 0, p: 0.7f),
            Samples.Labelled("g", label: 1, noise: 0.05f, suggested: 0, p: 0f),
            Samples.Labelled("h", label: 0, noise: 0.99f, suggested: 2, p: 0.95f, warming: true),
        ], CancellationToken.None);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task SuspectedMislabels_AfterWarmUp_ListsEverySampleByNoiseDescending()
    {
        var rows = await QueryAsync<Suspect>(
            "SELECT sample_id, label, suggested_label, suggested_label_p, noise, noise_rank FROM suspected_mislabels ORDER BY noise_rank");

        Assert.Equal(["a", "f", "b", "c", "e", "d", "g"], rows.Select(r => r.sample_id));
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], rows.Select(r => r.noise_rank));
        var top = rows[0];
        Assert.Equal(0, top.label);
        Assert.Equal(1, top.suggested_label);
        Assert.Equal(0.8, top.suggested_label_p!.Value, Tolerance);
        Assert.Equal(0.9, top.noise, Tolerance);
        Assert.Null(rows[^1].suggested_label);
    }

    [Fact]
    public async Task ClassNoise_PerGivenLabel_CountsMeansSharesAndMostFrequentOtherSuggestion()
    {
        var rows = await QueryAsync<ClassNoise>(
            "SELECT label, samples, mean_noise, share_noisy, likely_true_label, likely_true_label_samples FROM class_noise ORDER BY label");

        Assert.Equal(2, rows.Count);
        var zero = rows[0];
        Assert.Equal(4, zero.samples);
        Assert.Equal((0.9 + 0.7 + 0.6 + 0.1) / 4, zero.mean_noise, Tolerance);
        Assert.Equal(0.75, zero.share_noisy, Tolerance);
        Assert.Equal(1, zero.likely_true_label);
        Assert.Equal(2, zero.likely_true_label_samples);
        var one = rows[1];
        Assert.Equal(3, one.samples);
        Assert.Equal((0.2 + 0.8 + 0.05) / 3, one.mean_noise, Tolerance);
        Assert.Equal(1.0 / 3, one.share_noisy, Tolerance);
        Assert.Equal(0, one.likely_true_label);
        Assert.Equal(1, one.likely_true_label_samples);
    }

    [Fact]
    public async Task NoiseTransitions_GivenBySuggested_CountsPairsWithASuggestion()
    {
        var rows = await QueryAsync<Transition>(
            "SELECT label, suggested_label, samples FROM noise_transitions ORDER BY label, suggested_label");

        Assert.Equal(
            [(0L, 0L, 1L), (0, 1, 2), (0, 2, 1), (1, 0, 1), (1, 1, 1)],
            rows.Select(r => (r.label, r.suggested_label, r.samples)));
    }

    private async Task<List<T>> QueryAsync<T>(string sql)
    {
        await using var connection = DatabaseConnections.Create(_options, readOnly: true);
        return [.. await connection.QueryAsync<T>(sql)];
    }

#pragma warning disable IDE1006, SA1300, CA1812 // Dapper maps the views' snake_case columns by name, converting types.
    private sealed class Suspect
    {
        public string sample_id { get; set; } = "";
        public long label { get; set; }
        public long? suggested_label { get; set; }
        public double? suggested_label_p { get; set; }
        public double noise { get; set; }
        public long noise_rank { get; set; }
    }

    private sealed class ClassNoise
    {
        public long label { get; set; }
        public long samples { get; set; }
        public double mean_noise { get; set; }
        public double share_noisy { get; set; }
        public long? likely_true_label { get; set; }
        public long? likely_true_label_samples { get; set; }
    }

    private sealed class Transition
    {
        public long label { get; set; }
        public long suggested_label { get; set; }
        public long samples { get; set; }
    }
#pragma warning restore IDE1006, SA1300
}

public sealed class SqliteAnalystViewsTests() : AnalystViewsTests(DatabaseProviders.Sqlite);

/// <summary>Needs a PostgreSQL server: <c>eval "$(scripts/postgres.sh start)"</c>.</summary>
public sealed class PostgresAnalystViewsTests() : AnalystViewsTests(DatabaseProviders.Postgres);
