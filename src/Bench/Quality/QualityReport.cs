using System.Text.Json.Serialization;

namespace EasyHard.Bench.Quality;

/// <summary>Everything <c>easyhard bench quality</c> measured, with the settings and the machine; serialized as quality.json.</summary>
/// <param name="DurationSeconds">Wall-clock time of the run.</param>
/// <param name="CpuSeconds">Processor time of the process (all threads): the cost of the run independent of other load on the machine.</param>
/// <param name="OfflineDifficultyAgreement">
/// Spearman ρ of the offline 1 − p(given) with that of a second offline reference (other folds, other initialisations):
/// how far two offline runs agree on difficulty, the ceiling against which <c>difficulty</c>'s agreement reads.
/// </param>
public sealed record QualityReport(
    ReportSettings Settings,
    ReportMachine Machine,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    double CpuSeconds,
    IReadOnlyDictionary<string, double> StageSeconds,
    [property: JsonPropertyName("easyhard")] EasyHardFigures EasyHard,
    OfflineFigures Offline,
    DownstreamFigures Downstream,
    InfluenceFigures Influence,
    double OfflineDifficultyAgreement,
    IReadOnlyList<TargetCheck> Targets);
