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
        _html = await SampleReport.RenderAsync(_database.Options, ReportFixture.Names, top: 3, ReportFixture.Clock, CancellationToken.None);
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

    /// <summary>A src or href (attribute or SVG xlink) that is not a fragment or a data: URI.</summary>
    [GeneratedRegex("""(?:\bsrc|\bhref)\s*=\s*["']?(?!#|data:)[^"'\s>]+""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
