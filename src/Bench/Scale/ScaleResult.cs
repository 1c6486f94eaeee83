using EasyHard.Bench.Common;

namespace EasyHard.Bench.Scale;

/// <summary>The outcome of <c>easyhard bench scale</c>: Kafka runs, or the in-process simulation (<c>--simulate</c>).</summary>
public sealed record ScaleResult(MachineDescription Machine, ScaleResult.Setup Settings, IReadOnlyList<ScaleRun> Runs, IReadOnlyList<SimulatedRun> Simulated,
    double SecondsTotal, IReadOnlyList<string> Problems)
{
    public sealed record Setup(string Noise, int Count, int Seed, double RealizedNoiseRate, int Partitions, double RebalanceAt, double AwaySeconds,
        int SyncIntervalSamples, IReadOnlyList<string> ExtraConfig);

    /// <summary>The one-instance Kafka run, the reference of the others.</summary>
    public ScaleRun? Single => Runs.FirstOrDefault(r => r.Scorers == 1 && r.Sync);
}

/// <summary>One run of the stream through <paramref name="Scorers"/> scorer processes.</summary>
/// <param name="SamplesPerSecond">Scored samples over the time from the first send to the last arrival, the rebalance included.</param>
/// <param name="SyncBytes">Bytes of every record on the model topic during the run.</param>
/// <param name="InputBytes">Bytes of the input records the producer sent.</param>
public sealed record ScaleRun(int Scorers, bool Sync, ScaleMetrics Scores, long Duplicates, double SamplesPerSecond, long SyncRecords, long SyncBytes,
    long InputBytes, double Seconds)
{
    public double SyncShare => InputBytes == 0 ? 0 : SyncBytes / (double)InputBytes;
}

/// <summary>One in-process run of <paramref name="Scorers"/> engines (<see cref="FleetSimulation"/>).</summary>
/// <param name="Headroom">The engines rehearse (as with cores to spare) rather than score every batch full under load.</param>
public sealed record SimulatedRun(int Scorers, bool Sync, bool Headroom, ScaleMetrics Scores, int Merges, long SyncBytes, double Seconds);
