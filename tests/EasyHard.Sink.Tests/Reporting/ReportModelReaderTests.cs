using EasyHard.Contracts.Codecs;
using EasyHard.Sink.Persistence;
using EasyHard.Sink.Reporting;
using EasyHard.Sink.Tests.Persistence;

namespace EasyHard.Sink.Tests.Reporting;

/// <summary>The report's numbers from <see cref="ReportFixture"/>'s database, on SQLite and PostgreSQL.</summary>
public abstract class ReportModelReaderTests(string provider) : IAsyncLifetime
{
    private const double Tolerance = 1e-9;

    private TestDatabase _database = null!;

    private ReportModel _model = null!;

    public async Task InitializeAsync()
    {
        _database = await ReportFixture.CreateAsync(provider);
        _model = await ReportModelReader.ReadAsync(_database.Options, top: 3, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public void Overview_CountsEveryRowAndAveragesNoiseAfterWarmUp()
    {
        var overview = _model.Overview;

        Assert.Equal(8, overview.Samples);
        Assert.Equal(1, overview.Warming);
        Assert.Equal(3.5 / 7, overview.EstimatedNoiseRate, Tolerance);
        Assert.Equal(1, overview.Quarantined);
        Assert.Equal(3, overview.LatestModelVersion);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_100_005).UtcDateTime, overview.FirstScoredAt);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_100_070).UtcDateTime, overview.LastScoredAt);
    }

    [Fact]
    public void Classes_HaveNoiseSharesLikelyTrueLabelAndBuckets()
    {
        ClassSummary[] expected =
        [
            new(0, 4, MeanNoise: 2.375 / 4, ShareNoisy: 0.75, LikelyTrueLabel: 1, Easy: 1, Medium: 1, Hard: 2),
            new(1, 3, MeanNoise: 1.125 / 3, ShareNoisy: 1.0 / 3, LikelyTrueLabel: 0, Easy: 2, Medium: 0, Hard: 1),
        ];

        Assert.Equal(expected.Select(Rounded), _model.Classes.Select(Rounded));
    }

    [Fact]
    public void Transitions_CountGivenBySuggested()
    {
        Assert.Equal(
            [new TransitionCell(0, 0, 1), new TransitionCell(0, 1, 2), new TransitionCell(0, 2, 1), new TransitionCell(1, 0, 1), new TransitionCell(1, 1, 1)],
            _model.Transitions);
        Assert.Equal(3, _model.ClassCount(ReportFixture.Names.Count));
    }

    [Fact]
    public void Distributions_BinEachScoreOverItsRange()
    {
        var noise = _model.Distributions.Single(h => h.Name == "noise");
        Assert.Equal(7, noise.Total);
        Assert.Equal([1, 2, 5, 12, 15, 16, 17], noise.Counts.Select((c, i) => (c, i)).Where(x => x.c > 0).Select(x => x.i));

        var weight = _model.Distributions.Single(h => h.Name == "weight");
        Assert.Equal((0.25, 1.5), (weight.Min, weight.Max));
        Assert.Equal(1, weight.Counts[0]);
        Assert.Equal(1, weight.Counts[^1]);
        Assert.Equal(7, weight.Total);
        Assert.Equal(["noise", "difficulty", "weight", "influence"], _model.Distributions.Select(h => h.Name));
        Assert.All(_model.Distributions, h => Assert.Equal(7, h.Total));
    }

    [Fact]
    public void Versions_AgreementWithGivenLabelAndMeanNoisePerVersion()
    {
        Assert.Equal([(1L, 2L, 0.0, 0.8125), (2, 2, 0.5, 0.375), (3, 3, Math.Round(2.0 / 3, 12), 0.375)],
            _model.Versions.Select(v => (v.LastVersion, v.Samples, Math.Round(v.Accuracy, 12), Math.Round(v.MeanNoise, 12))));
    }

    [Fact]
    public void Sources_CountAndMeanNoise()
    {
        Assert.Equal([new SourceSummary("web", 5, 0.55), new SourceSummary("cam", 2, 0.375)],
            _model.Sources.Select(s => s with { MeanNoise = Math.Round(s.MeanNoise, 12) }));
    }

    [Fact]
    public void Suspects_TopNByNoiseWithSuggestion()
    {
        Assert.Equal(["a", "f", "b"], _model.Suspects.Select(s => s.SampleId));
        var top = _model.Suspects[0];
        Assert.Equal((0, 1, 0.875, 0.25, "web"), (top.Label, top.SuggestedLabel, top.Noise, top.Weight, top.Source));
        Assert.Equal(0.8, top.SuggestedLabelP!.Value, 1e-6);
    }

    [Fact]
    public void Suspects_CarryTheFeaturesTheSinkKept()
    {
        Assert.All(_model.Suspects, s => Assert.Equal([0.5f, 0.25f], Assert.IsType<float[]>(s.Features)));
    }

    [Fact]
    public void DeadLetters_CountedByRoleAndReason()
    {
        Assert.Equal(
            [
                new DeadLetterCount("ingest", "label_out_of_range", 1),
                new DeadLetterCount("sink", RejectReasons.Incomplete, 1),
                new DeadLetterCount("sink", RejectReasons.Unparsable, 2),
            ],
            _model.DeadLetters);
        Assert.Equal(4, _model.DeadLettered);
    }

    [Fact]
    public async Task Read_MissingViews_FailsWithOneLineNamingTheDatabase()
    {
        await using var empty = await TestDatabase.CreateAsync(provider);
        await using (var connection = DatabaseConnections.Create(empty.Options))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE unrelated (id integer)";
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<ReportDatabaseException>(() => ReportModelReader.ReadAsync(empty.Options, 10, CancellationToken.None));

        Assert.Contains($"cannot read sample_scores and its views in the {provider} database", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    private static ClassSummary Rounded(ClassSummary c) =>
        c with { MeanNoise = Math.Round(c.MeanNoise, 12), ShareNoisy = Math.Round(c.ShareNoisy, 12) };
}

public sealed class SqliteReportModelReaderTests() : ReportModelReaderTests(DatabaseProviders.Sqlite);

/// <summary>Needs a PostgreSQL server: <c>eval "$(scripts/postgres.sh start)"</c>.</summary>
public sealed class PostgresReportModelReaderTests() : ReportModelReaderTests(DatabaseProviders.Postgres);
