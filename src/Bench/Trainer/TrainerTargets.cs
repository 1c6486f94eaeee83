namespace EasyHard.Bench.Trainer;

/// <summary>The trainer benchmark's targets, checked and printed by the report (not enforced by the exit code).</summary>
public static class TrainerTargets
{
    /// <summary>Weighted arm ≥ unweighted arm + this many points of clean-test accuracy.</summary>
    public const double WeightsGainPoints = 1.0;

    /// <summary>The client reads at least this share of what a bare confluent-kafka consumer reads from the same topic.</summary>
    public const double ReadRatio = 0.5;
}
