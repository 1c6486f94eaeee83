using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Quality;

/// <summary>What <c>easyhard bench quality</c> runs: data, noise, the stream's epochs and the offline models' budget.</summary>
public sealed record QualitySettings
{
    public required NoiseSpec Noise { get; init; }

    public int Seed { get; init; }

    /// <summary>Training samples taken from the start of the Fashion-MNIST train split.</summary>
    public int Count { get; init; } = 60_000;

    /// <summary>Test samples (clean labels) for the downstream accuracies; null = the whole test split.</summary>
    public int? TestCount { get; init; }

    /// <summary>Times every sample is streamed through the scoring engine (shuffled order per epoch).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>K of the cross-validated reference probabilities.</summary>
    public int Folds { get; init; } = 4;

    /// <summary>Epochs of every offline model (cross-validation folds and downstream runs).</summary>
    public int TrainEpochs { get; init; } = 10;

    /// <summary>Hidden layer widths of the offline models and of the scorer's proxy heads.</summary>
    public required IReadOnlyList<int> Hidden { get; init; }

    public double LearningRate { get; init; } = 1e-3;

    public int BatchSize { get; init; } = 128;

    /// <summary>
    /// Fresh MLPs (initialisation and batch order) per downstream arm; each arm reports their mean clean-test accuracy.
    /// One model's accuracy moves by a few tenths of a point with its seed, as much as the arms differ by.
    /// </summary>
    public int DownstreamRepeats { get; init; } = 3;

    /// <summary>Fraction of the data kept by influence (highest first) and at random.</summary>
    public double KeepFraction { get; init; } = 0.5;

    /// <summary>
    /// Torch intra-op threads during the run (restored afterwards); 0 leaves torch's setting. One thread by default:
    /// with more, OpenMP workers spin-wait for each other, and when other processes share the cores a run gets
    /// several times slower (and costs several times the CPU).
    /// </summary>
    public int Threads { get; init; } = 1;

    public string DataDirectory { get; init; } = FashionMnist.DefaultDirectory;
}
