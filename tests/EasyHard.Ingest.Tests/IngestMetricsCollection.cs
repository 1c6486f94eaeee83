namespace EasyHard.Ingest.Tests;

/// <summary>
/// Test classes that run records through <see cref="IngestBatchProcessor"/> share the process-wide
/// <see cref="IngestMetrics"/> counters; in one collection they run one after another, so a test that asserts a
/// counter's exact increase sees only its own records.
/// </summary>
[CollectionDefinition(Name)]
public sealed class IngestMetricsCollection
{
    public const string Name = "Ingest metrics";
}
