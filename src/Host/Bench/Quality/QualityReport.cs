using System.Text.Json.Serialization;

namespace EasyHard.Host.Bench.Quality;

/// <summary>Everything <c>easyhard bench quality</c> measured, with the settings and the machine; serialized as quality.json.</summary>
public sealed record QualityReport(
    ReportSettings Settings,
    ReportMachine Machine,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    IReadOnlyDictionary<string, double> StageSeconds,
    [property: JsonPropertyName("easyhard")] EasyHardFigures EasyHard,
    OfflineFigures Offline,
    DownstreamFigures Downstream,
    InfluenceFigures Influence,
    IReadOnlyList<TargetCheck> Targets);
