using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Scale;

/// <summary>What <c>easyhard bench scale</c> runs.</summary>
/// <param name="Scorers">Scorer instance counts, one run each (with sync, and without for counts above 1).</param>
/// <param name="RebalanceAt">Share of the stream scored when the last scorer instance leaves (SIGTERM) and, after <paramref name="Away"/>, rejoins.</param>
/// <param name="Simulate">Run the fleet in this process without Kafka (<see cref="FleetSimulation"/>) instead of as processes.</param>
/// <param name="Scorer">The scorer options the overrides give (the simulation's engines run with them).</param>
public sealed record ScaleSettings(NoiseSpec Noise, int Count, int Seed, IReadOnlyList<int> Scorers, bool WithoutSync, double RebalanceAt, TimeSpan Away,
    bool Simulate, string DataDirectory, Scorer.ScorerOptions Scorer, IReadOnlyList<string> ExtraConfig)
{
    public const int Dimension = 784;

    public const int Classes = 10;

    /// <summary>Noise AUROC with 2 and 3 instances within this of 1 instance (with a mid-stream rebalance).</summary>
    public const double AurocTolerance = 0.005;

    /// <summary>Scorer throughput with 2 instances ≥ this × 1 instance, where the machine has the cores.</summary>
    public const double SpeedupTarget = 1.6;

    /// <summary>Bytes published to the model topic ≤ this share of the input bytes.</summary>
    public const double SyncTrafficShare = 0.05;
}
