namespace EasyHard.Bench.Trainer;

/// <summary>
/// What <c>src/Bench/python/trainer_replay.py</c> measured: the unweighted arm's recorded batches trained on again with
/// other weights (EasyHard's, the clean posterior alone, EasyHard's with the mislabelled samples at 0, the oracle's),
/// each over <see cref="Seeds"/> trainer seeds.
/// </summary>
public sealed record TrainerReplay(long Records, int Batches, double MislabelledShare, int Seeds, IReadOnlyList<TrainerReplay.Arm> Arms)
{
    public const string Unweighted = "unweighted";

    public const string Weights = "weights";

    public const string Oracle = "oracle";

    /// <summary>Mean clean-test accuracy of the arm named <paramref name="name"/>; NaN when the replay has none.</summary>
    public double MeanOf(string name) => Arms.FirstOrDefault(a => a.Name == name)?.MeanAccuracy ?? double.NaN;

    /// <summary>Points an arm gains over the unweighted replay, mean over seeds.</summary>
    public double GainPoints(string name) => 100 * (MeanOf(name) - MeanOf(Unweighted));

    /// <summary>What share of the oracle's gain EasyHard's weights reach on the same batches (NaN where the oracle gains nothing).</summary>
    public double WeightsShareOfOracle => GainPoints(Oracle) > 0 ? GainPoints(Weights) / GainPoints(Oracle) : double.NaN;

    /// <param name="Accuracies">Clean-test accuracy per trainer seed (the recorded arm's seed first).</param>
    public sealed record Arm(string Name, IReadOnlyList<double> Accuracies, double MeanAccuracy);
}
