using EasyHard.Bench.Common;

namespace EasyHard.Bench.Scale;

/// <summary>The outcome of <c>easyhard bench scale</c>.</summary>
public sealed record ScaleResult(MachineDescription Machine, ScaleResult.Setup Settings, IReadOnlyList<ScaleRun> Runs, double SecondsTotal, IReadOnlyList<string> Problems)
{
    public sealed record Setup(string Noise, int Count, int Seed, double RealizedNoiseRate, int Partitions, double RebalanceAt, double AwaySeconds,
        IReadOnlyList<string> ExtraConfig);

    /// <summary>The one-instance run with sync, the reference of the others.</summary>
    public ScaleRun? Single => Runs.FirstOrDefault(r => r.Scorers == 1 && r.Sync);
}

/// <summary>One run of the stream through <paramref name="Scorers"/> scorer processes.</summary>
/// <param name="Scored">Samples whose scored record arrived (each counted once).</param>
/// <param name="SamplesPerSecond">Scored samples over the time from the first send to the last arrival, the rebalance included.</param>
/// <param name="SyncBytes">Bytes of every record on the model topic during the run.</param>
/// <param name="InputBytes">Bytes of the input records the producer sent.</param>
public sealed record ScaleRun(int Scorers, bool Sync, long Scored, long Duplicates, double NoiseAuroc, double NoiseAveragePrecision, double MeanWeightNoisy,
    double MeanWeightClean, double SamplesPerSecond, long SyncRecords, long SyncBytes, long InputBytes, double Seconds)
{
    public double SyncShare => InputBytes == 0 ? 0 : SyncBytes / (double)InputBytes;

    public double WeightRatio => MeanWeightClean == 0 ? double.NaN : MeanWeightNoisy / MeanWeightClean;
}
