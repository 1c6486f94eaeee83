using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Trainer;

/// <summary>What <c>easyhard bench trainer</c> runs: the data, the stream, and the Python trainer's settings.</summary>
/// <param name="StreamEpochs">How many times the dataset goes through the pipeline (same ids, same order): a trainer reading the stream trains that many epochs, and from the second on the scorer sees the feedback of the first.</param>
/// <param name="IdleSeconds">A trainer stops when nothing arrived for this long after the last pass.</param>
/// <param name="ReplaySeeds">Trainer seeds per arm of the replay of the unweighted arm's batches (0: no replay).</param>
/// <param name="RecordingPath">Where to keep the unweighted arm's recorded batches (null: a temporary file, recorded only for the replay and removed after it).</param>
public sealed record TrainerSettings(
    NoiseSpec Noise,
    int Count,
    int Seed,
    int StreamEpochs,
    SampleFormat Format,
    string DataDirectory,
    string Interpreter,
    string Script,
    string ReadScript,
    int BatchSize,
    int Hidden,
    double LearningRate,
    double IdleSeconds,
    int ReadRounds,
    IReadOnlyList<string> ExtraConfig,
    int ReplaySeeds = 0,
    string? ReplayScript = null,
    string? RecordingPath = null)
{
    public const int Classes = FashionMnist.Classes;

    public const int Dimension = FashionMnist.Dimension;

    /// <summary>Python modules the trainer and the read benchmark import, and the Debian packages that hold them.</summary>
    public const string Modules = "torch, confluent_kafka, numpy";

    public const string Packages = "python3-torch python3-confluent-kafka python3-numpy";

    /// <summary>Where the example trainer and the read benchmark live, relative to the repository root.</summary>
    public static readonly string DefaultScript = Path.Combine("examples", "pytorch_trainer.py");

    public static readonly string DefaultReadScript = Path.Combine("src", "Bench", "python", "trainer_read.py");

    public static readonly string DefaultReplayScript = Path.Combine("src", "Bench", "python", "trainer_replay.py");
}
