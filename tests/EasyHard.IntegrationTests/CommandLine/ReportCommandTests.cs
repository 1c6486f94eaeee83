using EasyHard.Contracts.V1;
using EasyHard.Sink.Persistence;

namespace EasyHard.IntegrationTests.CommandLine;

/// <summary><c>easyhard report</c> as a person runs it: a page from a Sink database, one-line errors otherwise.</summary>
public sealed class ReportCommandTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Report_DatabaseWithoutProvider_StopsWithOneLine()
    {
        var result = await CliProcess.RunAsync(["report", "--database", "easyhard.db", "--out", "out"], Quick);

        result.AssertShortError("easyhard report: --database 'easyhard.db' is not provider:connection with provider sqlite or postgres");
    }

    [Fact]
    public async Task Report_MissingSqliteFile_StopsNamingTheFile()
    {
        var result = await CliProcess.RunAsync(["report", "--database", "sqlite:/nonexistent/easyhard.db", "--out", "out"], Quick);

        result.AssertShortError("no SQLite file at /nonexistent/easyhard.db");
    }

    [Fact]
    public async Task Report_FileThatIsNotADatabase_StopsWithOneLine()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("easyhard-report-").FullName, "notes.db");
        await File.WriteAllTextAsync(file, "not a database, only some text that is long enough to have a header");

        var result = await CliProcess.RunAsync(["report", "--database", $"sqlite:{file}", "--out", "out"], Quick);

        result.AssertShortError("easyhard report: cannot read sample_scores and its views in the sqlite database");
    }

    [Fact]
    public async Task Report_SinkDatabase_WritesIndexHtmlWithClassNamesAndPrintsItsPath()
    {
        var (databaseFile, output) = await TwoSampleDatabaseAsync();
        var result = await CliProcess.RunAsync(
            ["report", "--database", $"sqlite:{databaseFile}", "--out", output, "--top", "1", "--Schema:ClassNames:0=Cat", "--Schema:ClassNames:1=Dog"], Quick);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(Path.Combine(output, "index.html"), result.Stdout.Trim());
        var html = await File.ReadAllTextAsync(Path.Combine(output, "index.html"));
        Assert.Contains("0 Cat", html, StringComparison.Ordinal);
        Assert.Contains("1 Dog", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<tr class=\"suspect\">"));
    }

    [Fact]
    public async Task Report_ImageShapeWithoutDimension_DrawsTheGalleryAsThumbnails()
    {
        var (databaseFile, output) = await TwoSampleDatabaseAsync();
        var result = await CliProcess.RunAsync(
            ["report", "--database", $"sqlite:{databaseFile}", "--out", output, "--Schema:ImageShape=[1,2,2]"], Quick);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var html = await File.ReadAllTextAsync(Path.Combine(output, "index.html"));
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(html, "<img class=\"thumb\" width=\"56\" height=\"56\"").Count);
    }

    /// <summary>A Sink database of two scored samples, both noisy enough for their features to be kept, and where the report goes.</summary>
    private static async Task<(string DatabaseFile, string Output)> TwoSampleDatabaseAsync()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-report-").FullName;
        var databaseFile = Path.Combine(directory, "easyhard.db");
        await using (var store = new SqliteSampleStore(new DatabaseOptions { ConnectionString = $"Data Source={databaseFile}" }, TimeProvider.System))
        {
            await store.MigrateAsync(CancellationToken.None);
            await store.UpsertAsync([Scored("s-1", label: 0, suggested: 1), Scored("s-2", label: 1, suggested: 1)], CancellationToken.None);
        }

        var output = Path.Combine(directory, "report");
        return (databaseFile, output);
    }

    private static ScoredSample Scored(string id, int label, int suggested) => new()
    {
        Canonical = new CanonicalSample
        {
            Sample = new TrainingSample { Id = id, Label = label, Source = "test", Features = { 0f, 0.25f, 0.5f, 1f } },
            Origin = new Origin { Topic = "training-samples", Partition = 0, Offset = label },
        },
        Scores = new Scores { Noise = 0.5f + (0.25f * label), Difficulty = 0.5f, SuggestedLabel = suggested, SuggestedLabelP = 0.75f },
        Weight = 1,
        ModelVersion = 1,
        ScoredAtUnixMs = 1_700_000_000_000,
    };
}
