namespace EasyHard.Sink.Reporting;

/// <summary>
/// What the report shows, read from <c>sample_scores</c> and its views (migration 0003). Rows still warming are left
/// out everywhere but <see cref="ReportOverview.Warming"/>, as in the views.
/// </summary>
public sealed record ReportModel(
    ReportOverview Overview,
    IReadOnlyList<ClassSummary> Classes,
    IReadOnlyList<TransitionCell> Transitions,
    IReadOnlyList<Histogram> Distributions,
    IReadOnlyList<ModelVersionSummary> Versions,
    IReadOnlyList<SourceSummary> Sources,
    IReadOnlyList<SuspectRow> Suspects)
{
    /// <summary>Labels 0 … n−1 cover every given and suggested label seen (at least <paramref name="namedClasses"/>).</summary>
    public int ClassCount(int namedClasses) => Math.Max(namedClasses, Math.Max(
        Classes.Select(c => c.Label + 1).DefaultIfEmpty(0).Max(),
        Transitions.Select(t => Math.Max(t.Label, t.SuggestedLabel) + 1).DefaultIfEmpty(0).Max()));
}
