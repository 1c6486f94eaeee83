namespace EasyHard.Bench.Quality;

public sealed record ReportSettings(
    string Dataset, int Dimension, int Classes, int Count, int TestCount, string Noise, double RealizedNoiseRate, long NoisySamples, int Seed,
    int Epochs, int Folds, int TrainEpochs, IReadOnlyList<int> Hidden, double LearningRate, int BatchSize, double KeepFraction,
    ScorerSettings Scorer, int DownstreamRepeats);
