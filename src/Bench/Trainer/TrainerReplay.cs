namespace EasyHard.Bench.Trainer;

/// <summary>
/// What <c>src/Bench/python/trainer_replay.py</c> measured: the unweighted arm's recorded batches trained on again with
/// other weights (EasyHard's, the clean posterior alone, EasyHard's with the mislabelled samples at 0, the oracle's),
/// each over <see cref="Seeds"/> trainer seeds; and per pass over the data, how well EasyHard's noise ranked the
/// mislabelled samples of those batches.
/// </summary>
public sealed record TrainerReplay(long Records, int Batches, double MislabelledShare, int Seeds, IReadOnlyList<TrainerReplay.Arm> Arms,
    IReadOnlyList<TrainerReplay.Pass> Passes)
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

    /// <param name="Number">1 for each id's first record, 2 for its second, ...</param>
    /// <param name="NoiseAuroc">AUROC of <c>noise</c> for the mislabelled samples of the pass (null without both kinds).</param>
    /// <param name="MislabelledToCleanWeight">Mean weight of the mislabelled samples over the clean ones' (null without both kinds).</param>
    public sealed record Pass(
        [property: System.Text.Json.Serialization.JsonPropertyName("pass")] int Number,
        long Records,
        double? NoiseAuroc,
        double? MislabelledToCleanWeight);
}
