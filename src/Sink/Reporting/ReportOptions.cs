using System.ComponentModel.DataAnnotations;

namespace EasyHard.Sink.Reporting;

/// <summary>
/// What the Sink keeps for the report (section <c>Sink:Report</c>): the features of the samples that may appear in its
/// gallery, so it can draw them, and no more (bounded: only samples past warm-up whose noise reaches
/// <see cref="KeepFeaturesAboveNoise"/>, and at most the <see cref="MaxFeatureRows"/> noisiest of them); and a count of
/// every role's dead letters, read from the dead-letter topic.
/// </summary>
public sealed class ReportOptions
{
    /// <summary>Samples with a lower noise score are never in the gallery's reach; their features are not kept.</summary>
    [Range(0.0, 1.0, ErrorMessage = "Sink:Report:KeepFeaturesAboveNoise must lie in [0, 1].")]
    public double KeepFeaturesAboveNoise { get; set; } = 0.5;

    /// <summary>Most samples whose features are kept (the noisiest); 0 keeps none. The report's largest gallery is 1000.</summary>
    [Range(0, 1_000_000, ErrorMessage = "Sink:Report:MaxFeatureRows must lie in [0, 1000000].")]
    public int MaxFeatureRows { get; set; } = 1000;

    /// <summary>
    /// Whether the Sink also reads the dead-letter topic (group <c>Sink:GroupId</c> + <c>-dead-letters</c>) and counts
    /// what every role dead-lettered, by role and reason, in <c>dead_letters</c> for the report's overview.
    /// </summary>
    public bool CountDeadLetters { get; set; } = true;
}
