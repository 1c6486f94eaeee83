namespace EasyHard.Sink.Reporting;

/// <summary>
/// What the report shows, read from <c>sample_scores</c> and its views (migration 0003) and the Sink's dead-letter counts (migration 0004). Rows still warming are left
/// out everywhere but <see cref="ReportOverview.Warming"/>, as in the views.
/// </summary>
public sealed record ReportModel(
    ReportOverview Overview,
    IReadOnlyList<ClassSummary> Classes,
    IReadOnlyList<TransitionCell> Transitions,
    IReadOnlyList<Histogram> Distributions,
    IReadOnlyList<ModelVersionSummary> Versions,
    IReadOnlyList<SourceSummary> Sources,
    IReadOnlyList<SuspectRow> Suspects,
    IReadOnlyList<DeadLetterCount> DeadLetters)
{
    /// <summary>Records of the scored topic the Sink dead-lettered, all reasons.</summary>
    public long DeadLettered => DeadLetters.Sum(d => d.Records);

    /// <summary>Labels 0 … n−1 cover every given and suggested label seen (at least <paramref name="namedClasses"/>).</summary>
    public int ClassCount(int namedClasses) => Math.Max(namedClasses, Math.Max(
        Classes.Select(c => c.Label + 1).DefaultIfEmpty(0).Max(),
        Transitions.Select(t => Math.Max(t.Label, t.SuggestedLabel) + 1).DefaultIfEmpty(0).Max()));
}
