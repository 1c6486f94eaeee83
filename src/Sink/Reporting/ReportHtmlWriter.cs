using System.Globalization;
using System.Net;

namespace EasyHard.Sink.Reporting;

/// <summary>
/// Writes the report as one self-contained HTML page: inline CSS, charts inlined as SVG, no scripts, no links to
/// anything outside the file, so it opens offline and can be mailed as it is.
/// </summary>
public static class ReportHtmlWriter
{
    private const string Style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem 2rem; color: #222; }
        h1 { margin-bottom: 0.2rem; } h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2rem; margin-top: 2.2rem; }
        .muted { color: #666; font-size: 0.9rem; }
        .cards { display: flex; flex-wrap: wrap; gap: 0.8rem; }
        .card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6rem 1rem; min-width: 9rem; }
        .card b { display: block; font-size: 1.4rem; }
        table { border-collapse: collapse; font-size: 0.9rem; margin: 0.6rem 0; }
        th, td { border-bottom: 1px solid #e4e4e4; padding: 0.25rem 0.6rem; text-align: right; }
        th { background: #f6f6f6; } td.text, th.text { text-align: left; }
        .grid { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.5rem; }
        svg { max-width: 100%; height: auto; } figure { margin: 0.5rem 0; max-width: 760px; }
        .bar { display: inline-block; height: 0.7rem; background: #c0392b; vertical-align: middle; }
        .arrow { color: #c0392b; font-weight: bold; }
        img.thumb { image-rendering: pixelated; display: block; } .features { color: #666; font-size: 0.8rem; }
        """;

    public static void Write(TextWriter output, ReportModel model, ReportSchema schema, string database, DateTimeOffset generatedAt)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(schema);
        var names = schema.Names;
        var classCount = model.ClassCount(names.Count);
        output.Write($"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>EasyHard report</title>
            <style>
            {Style}
            </style>
            </head>
            <body>
            <h1>EasyHard report</h1>
            <p class="muted">{E(database)} · generated {E(generatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture))}.
            Scores from samples still in warm-up are left out of every section but the sample count.</p>

            """);
        WriteOverview(output, model.Overview, model.DeadLetters);
        WriteClasses(output, model, names);
        output.Write($"""
            <section id="transitions">
            <h2>Noise transitions</h2>
            <p class="muted">Given label × the label the scorer suggests; cells are sample counts, colours the share of the given label's samples (agreement on the diagonal is left uncoloured).</p>
            {(model.Transitions.Count == 0 ? "<p>No suggested labels yet.</p>" : ReportPlots.Transitions(model.Transitions, classCount, names))}
            </section>

            <section id="distributions">
            <h2>Distributions</h2>
            <div class="grid">
            {string.Join("\n", model.Distributions.Select(ReportPlots.Distribution))}
            </div>
            </section>

            """);
        WriteSources(output, model.Sources);
        output.Write($"""
            <section id="versions">
            <h2>The proxy over time</h2>
            <p class="muted">How often the proxy's out-of-sample prediction agreed with the given label, and the mean noise, by model version{(model.Versions.Count > 1 ? $" ({model.Versions.Count} groups of consecutive versions)" : "")}.</p>
            {(model.Versions.Count == 0 ? "<p>No scored samples yet.</p>" : ReportPlots.Versions(model.Versions))}
            </section>

            """);
        WriteGallery(output, model.Suspects, schema);
        output.Write("</body>\n</html>\n");
    }

    private static void WriteOverview(TextWriter output, ReportOverview overview, IReadOnlyList<DeadLetterCount> deadLetters)
    {
        // Every role's dead letters, as the Sink counted them from the dead-letter topic (Sink:Report:CountDeadLetters).
        var byReason = deadLetters.Count == 0
            ? "none counted"
            : string.Join("; ", deadLetters.GroupBy(d => d.Role, StringComparer.Ordinal).Select(role =>
                $"{role.Key}: " + string.Join(", ", role.Select(d => $"{d.Reason} {d.Records.ToString("N0", CultureInfo.InvariantCulture)}"))));
        var span = overview.FirstScoredAt is { } first && overview.LastScoredAt is { } last
            ? $"{Time(first)} → {Time(last)} ({Duration(last - first)})"
            : "—";
        output.Write($"""
            <section id="overview">
            <h2>Overview</h2>
            <div class="cards">
            <div class="card">samples<b>{overview.Samples:N0}</b><span class="muted">{overview.Warming:N0} in warm-up</span></div>
            <div class="card">estimated noise rate<b>{Percent(overview.EstimatedNoiseRate)}</b><span class="muted">mean noise score</span></div>
            <div class="card">quarantined<b>{overview.Quarantined:N0}</b></div>
            <div class="card" id="dead-lettered">dead-lettered<b>{deadLetters.Sum(d => d.Records):N0}</b><span class="muted">{E(byReason)}</span></div>
            <div class="card">model version<b>{(overview.LatestModelVersion is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "—")}</b><span class="muted">latest</span></div>
            </div>
            <p>Scored {E(span)}.</p>
            </section>

            """);
    }

    private static void WriteClasses(TextWriter output, ReportModel model, LabelNames names)
    {
        output.Write("""
            <section id="classes">
            <h2>Per class</h2>
            <table>
            <tr><th class="text">given label</th><th>samples</th><th>estimated noise rate</th><th>share noise &gt; 0.5</th><th class="text">most likely true label</th><th>easy</th><th>medium</th><th>hard</th></tr>

            """);
        foreach (var c in model.Classes)
        {
            output.Write($"""
                <tr class="class-row"><td class="text">{E(names.Labelled(c.Label))}</td><td>{c.Samples:N0}</td><td>{Percent(c.MeanNoise)}</td><td>{Percent(c.ShareNoisy)}</td><td class="text">{(c.LikelyTrueLabel is { } t ? E(names.Labelled(t)) : "—")}</td><td>{c.Easy:N0}</td><td>{c.Medium:N0}</td><td>{c.Hard:N0}</td></tr>

                """);
        }

        output.Write("</table>\n");
        if (model.Classes.Count > 0)
        {
            output.Write($"""
                <figure>{ReportPlots.ClassNoise(model.Classes, names)}<figcaption class="muted">Noise per given label</figcaption></figure>
                <figure>{ReportPlots.DifficultyBuckets(model.Classes, names)}<figcaption class="muted">Difficulty buckets per given label</figcaption></figure>

                """);
        }

        output.Write("</section>\n\n");
    }

    private static void WriteSources(TextWriter output, IReadOnlyList<SourceSummary> sources)
    {
        output.Write("""
            <section id="sources">
            <h2>Noise by source</h2>
            <table>
            <tr><th class="text">source</th><th>samples</th><th>mean noise</th></tr>

            """);
        foreach (var s in sources)
        {
            output.Write($"""<tr><td class="text">{E(s.Source.Length == 0 ? "(none)" : s.Source)}</td><td>{s.Samples:N0}</td><td>{Percent(s.MeanNoise)}</td></tr>""" + "\n");
        }

        output.Write("</table>\n</section>\n\n");
    }

    private static void WriteGallery(TextWriter output, IReadOnlyList<SuspectRow> suspects, ReportSchema schema)
    {
        var names = schema.Names;
        output.Write($"""
            <section id="gallery">
            <h2>Most likely mislabelled: top {suspects.Count:N0}</h2>
            <p class="muted">From the <code>suspected_mislabels</code> view, by noise (the probability that the given label is wrong). The Sink keeps the features of the noisiest samples only (<code>Sink:Report</code>); a sample without them shows —.</p>
            <table>
            <tr><th>#</th><th class="text">sample</th><th class="text">sample id</th><th class="text">given → suggested (probability)</th><th class="text">noise</th><th>difficulty</th><th>weight</th><th class="text">source</th></tr>

            """);
        for (var i = 0; i < suspects.Count; i++)
        {
            var s = suspects[i];
            var suggestion = s.SuggestedLabel is { } suggested
                ? $"{E(names.Labelled(s.Label))} <span class=\"arrow\">→</span> {E(names.Labelled(suggested))} ({Percent(s.SuggestedLabelP ?? double.NaN)})"
                : $"{E(names.Labelled(s.Label))} <span class=\"muted\">(no suggestion)</span>";
            output.Write($"""
                <tr class="suspect"><td>{i + 1}</td><td class="text">{(s.Features is { } features ? SampleThumbnails.Html(features, schema.Image) : "—")}</td><td class="text">{E(s.SampleId)}</td><td class="text">{suggestion}</td><td class="text"><span class="bar" style="width:{(int)Math.Round(Math.Clamp(s.Noise, 0, 1) * 60)}px"></span> {s.Noise.ToString("F3", CultureInfo.InvariantCulture)}</td><td>{s.Difficulty.ToString("F3", CultureInfo.InvariantCulture)}</td><td>{s.Weight.ToString("F3", CultureInfo.InvariantCulture)}</td><td class="text">{E(s.Source)}</td></tr>

                """);
        }

        output.Write("</table>\n</section>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Percent(double share) =>
        double.IsNaN(share) ? "—" : (share * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? span.TotalHours.ToString("F1", CultureInfo.InvariantCulture) + " h"
        : span.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture) + " s";
}
