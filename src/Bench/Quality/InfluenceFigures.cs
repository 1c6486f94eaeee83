namespace EasyHard.Bench.Quality;

/// <summary>
/// Clean-test accuracy after keeping a fraction of the data, the share of noisy labels among what was kept, and the
/// share of the least represented true class among what was kept (balanced = 1 / classes): a selection that drops
/// a class loses accuracy on it whatever its noise.
/// </summary>
/// <param name="KeptByInfluence">Ranked by |influence|, the size of the effect on the clean target's loss.</param>
/// <param name="KeptBySignedInfluence">Ranked by influence itself, the samples that lower the target's loss most first.</param>
public sealed record InfluenceFigures(
    double KeepFraction, double All, double KeptByInfluence, double KeptBySignedInfluence, double KeptByLowestNoise, double KeptByDifficulty, double KeptAtRandom, double NoisyShareByInfluence, double NoisyShareAtRandom,
    double SmallestClassShareByInfluence, double SmallestClassShareAtRandom);
