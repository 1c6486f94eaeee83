using System.Text.RegularExpressions;
using EasyHard.Sink.Persistence;
using EasyHard.Sink.Reporting;
using EasyHard.Sink.Tests.Persistence;

namespace EasyHard.Sink.Tests.Reporting;

/// <summary>The report page from <see cref="ReportFixture"/>: self-contained, every section drawn, text escaped.</summary>
public sealed partial class ReportHtmlTests : IAsyncLifetime
{
    private TestDatabase _database = null!;

    private string _html = "";

    public static IReadOnlyList<string> Sections { get; } = ["overview", "classes", "transitions", "distributions", "sources", "versions", "gallery"];

    public async Task InitializeAsync()
    {
        _database = await ReportFixture.CreateAsync(DatabaseProviders.Sqlite);
        _html = await SampleReport.RenderAsync(_database.Options, ReportFixture.Schema, top: 3, ReportFixture.Clock, CancellationToken.None);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public void Render_LinksToNothingOutsideTheFile()
    {
        Assert.Empty(ExternalReference().Matches(_html).Select(m => m.Value));
        Assert.DoesNotContain("<script", _html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", _html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", _html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"url\(\s*['""]?(?!#)", _html); // url(#clip) points inside the SVG
    }

    [Fact]
    public void Render_EverySectionWithItsCharts()
    {
        Assert.All(Sections, id => Assert.Contains($"<section id=\"{id}\">", _html, StringComparison.Ordinal));
        // Noise per class, buckets per class, the transition heatmap, four histograms, the model versions.
        Assert.Equal(8, Regex.Matches(_html, "<svg ").Count);
        Assert.Equal(2, Regex.Matches(_html, "<tr class=\"class-row\">").Count);
    }

    [Fact]
    public void Render_GalleryHasTopNWithGivenAndSuggestedNamesAndProbability()
    {
        var rows = Regex.Matches(_html, "<tr class=\"suspect\">.*?</tr>", RegexOptions.Singleline).Select(m => m.Value).ToList();

        Assert.Equal(3, rows.Count);
        Assert.Contains(">a<", rows[0], StringComparison.Ordinal);
        Assert.Contains("0 cat <span class=\"arrow\">→</span> 1 dog &lt;&amp;&gt; (80.0 %)", rows[0], StringComparison.Ordinal);
        Assert.Contains("0.875", rows[0], StringComparison.Ordinal);
        Assert.DoesNotContain("dog <&>", _html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_SamplesNotImages_GallerySummarisesTheirFeatures()
    {
        var rows = Regex.Matches(_html, "<tr class=\"suspect\">.*?</tr>", RegexOptions.Singleline).Select(m => m.Value).ToList();

        Assert.All(rows, row => Assert.Contains("<span class=\"features\">2 features, min 0.25, mean 0.375, max 0.5</span>", row, StringComparison.Ordinal));
        Assert.DoesNotContain("<img", _html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_ImageSchema_GalleryShowsAnInlineThumbnailPerSample()
    {
        var html = await SampleReport.RenderAsync(_database.Options, ReportFixture.ImageSchema, top: 3, ReportFixture.Clock, CancellationToken.None);

        var rows = Regex.Matches(html, "<tr class=\"suspect\">.*?</tr>", RegexOptions.Singleline).Select(m => m.Value).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.Matches("<img class=\"thumb\" width=\"56\" height=\"28\" alt=\"[^\"]+\" src=\"data:image/png;base64,[A-Za-z0-9+/=]+\">", row));
        Assert.DoesNotContain("class=\"features\"", html, StringComparison.Ordinal);
        Assert.Empty(ExternalReference().Matches(html).Select(m => m.Value));
    }

    [Fact]
    public void Render_Overview_ShowsEveryRolesDeadLettersByReason()
    {
        Assert.Contains(
            "<div class=\"card\" id=\"dead-lettered\">dead-lettered<b>4</b><span class=\"muted\">ingest: label_out_of_range 1; sink: incomplete 1, unparsable 2</span></div>",
            _html, StringComparison.Ordinal);
    }

    /// <summary>A src or href (attribute or SVG xlink) that is not a fragment or a data: URI.</summary>
    [GeneratedRegex("""(?:\bsrc|\bhref)\s*=\s*["']?(?!#|data:)[^"'\s>]+""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
