namespace EasyHard.Bench.Quality;

/// <summary>The scoring engine's options that shape its scores (defaults unless overridden on the command line).</summary>
public sealed record ScorerSettings(
    IReadOnlyList<int> HiddenSizes, int EnsembleSize, string Optimizer, double LearningRate, int MicroBatchSize, int TrainMinibatchSize,
    int WarmupSamples, double BootstrapRate, int Seed);
