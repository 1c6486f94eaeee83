namespace EasyHard.Bench.Chaos;

/// <summary>One fault as it happened: planned and actual times (seconds after the producer started) and its outcome.</summary>
public sealed record ChaosFaultRecord(double PlannedSeconds, double StartedSeconds, double EndedSeconds, string Kind, string Target,
    double HoldSeconds, string Outcome);
