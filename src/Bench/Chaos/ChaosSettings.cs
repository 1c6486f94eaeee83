namespace EasyHard.Bench.Chaos;

/// <summary>What <c>easyhard bench chaos</c> was asked to run.</summary>
/// <param name="Faults">The fault kinds the nemesis may use.</param>
/// <param name="MeanGapSeconds">Mean time between faults (exponential gaps).</param>
/// <param name="Settle">How long the drain after the run waits without progress before it accounts.</param>
/// <param name="Postgres">Run the Sink on a private PostgreSQL (implied by postgres-restart) instead of SQLite.</param>
/// <param name="ExtraConfig">EasyHard configuration overrides (<c>--Section:Key=value</c>) for every role process.</param>
public sealed record ChaosSettings(
    TimeSpan Duration, int Seed, IReadOnlyList<FaultKind> Faults, double Rate, int Dimension, double MeanGapSeconds, TimeSpan Settle,
    bool Postgres, IReadOnlyList<string> ExtraConfig)
{
    public const int Classes = 10;

    /// <summary>Distinct feature rows cycled through; every sample still gets its own id.</summary>
    public const int PoolSize = 4096;

    /// <summary>Schema:MaxRecordBytes as the role processes run it (the default).</summary>
    public int MaxRecordBytes { get; init; } = 1024 * 1024;

    /// <summary>librdkafka's default message.max.bytes, which EasyHard's producers keep.</summary>
    public int MessageMaxBytes { get; init; } = 1_000_000;

    public bool UsesPostgres => Postgres || Faults.Contains(FaultKind.PostgresRestart);
}
