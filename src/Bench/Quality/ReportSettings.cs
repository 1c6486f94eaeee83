namespace EasyHard.Bench.Quality;

/// <param name="Dimension">Features per sample as they arrive (what the downstream models train on).</param>
/// <param name="ProxyDimension">Features per sample as the scorer's proxy and the offline reference see them (with the image features, where they are on).</param>
public sealed record ReportSettings(
    string Dataset, int Dimension, int ProxyDimension, int Classes, int Count, int TestCount, string Noise, double RealizedNoiseRate, long NoisySamples, int Seed,
    int Epochs, int Folds, int TrainEpochs, IReadOnlyList<int> Hidden, double LearningRate, int BatchSize, double KeepFraction,
    ScorerSettings Scorer, int DownstreamRepeats);
