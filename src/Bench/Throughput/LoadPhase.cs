namespace EasyHard.Bench.Throughput;

/// <summary>
/// One measured run of samples through Kafka: counts (every sent sample must arrive once), wall time from the first
/// send to the last arrival, latency from the producer's record timestamp to the trainer-side read, this process's
/// CPU time per 1,000 samples and peak RSS during the run; where each role's shell spent the run, when it has roles;
/// the JIT's compile time as a share of the run (<see cref="Common.JitActivity"/>).
/// </summary>
public sealed record LoadPhase(
    string Name, long Samples, long Arrived, long Duplicates, long Unknown, double TargetRate, int MaxBacklog,
    double Seconds, double SamplesPerSecond, double P50Ms, double P99Ms, double MaxMs, double CpuSecondsPer1000, long PeakRssBytes,
    IReadOnlyList<Common.StageTime> Stages, double JitShare);
