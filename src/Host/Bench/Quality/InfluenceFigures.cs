namespace EasyHard.Host.Bench.Quality;

/// <summary>Clean-test accuracy after keeping a fraction of the data, and the share of noisy labels among what was kept.</summary>
public sealed record InfluenceFigures(double KeepFraction, double All, double KeptByInfluence, double KeptAtRandom, double NoisyShareByInfluence, double NoisyShareAtRandom);
