namespace EasyHard.Bench.Soak;

/// <summary>One observation of the soak: progress and this process's memory and CPU over the last interval.</summary>
public sealed record SoakSample(
    double ElapsedSeconds, long Sent, long Arrived, long InFlight, double SamplesPerSecond, double P50Ms, double P99Ms,
    long RssBytes, long GcHeapBytes, long GcCommittedBytes, double CpuPercent);
