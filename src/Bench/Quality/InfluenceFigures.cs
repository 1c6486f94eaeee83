namespace EasyHard.Bench.Quality;

/// <summary>
/// Clean-test accuracy after keeping a fraction of the data, the share of noisy labels among what was kept, and the
/// share of the least represented true class among what was kept (balanced = 1 / classes): a selection that drops
/// a class loses accuracy on it whatever its noise.
/// </summary>
public sealed record InfluenceFigures(
    double KeepFraction, double All, double KeptByInfluence, double KeptByLowestNoise, double KeptByDifficulty, double KeptAtRandom, double NoisyShareByInfluence, double NoisyShareAtRandom,
    double SmallestClassShareByInfluence, double SmallestClassShareAtRandom);
