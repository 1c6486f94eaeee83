namespace EasyHard.Evaluation.Datasets;

/// <summary>
/// Corrupts labels with a known noise model so that noise detection can be scored against the truth, the usual
/// protocol of noisy-label benchmarks (Han et al. 2018; Northcutt et al. 2021, "Confident Learning").
/// Deterministic: the same seed, spec and labels give the same output.
/// </summary>
public sealed class NoiseInjector
{
    private readonly NoiseSpec _spec;
    private readonly int _classes;
    private readonly int _seed;

    public NoiseInjector(NoiseSpec spec, int classes, int seed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        _spec = spec;
        _classes = classes;
        _seed = seed;
    }

    public NoisyLabels Apply(ReadOnlySpan<int> trueLabels)
    {
        var random = new Random(_seed);
        var given = new int[trueLabels.Length];
        var clean = trueLabels.ToArray();
        var noisy = new bool[trueLabels.Length];
        for (var i = 0; i < clean.Length; i++)
        {
            var y = clean[i];
            if (y < 0 || y >= _classes)
            {
                throw new ArgumentOutOfRangeException(nameof(trueLabels), y, $"label at index {i} is outside [0, {_classes})");
            }

            // One draw per sample for the coin and one for the class, whatever the outcome, so that sample i's
            // fate depends only on the seed and i, not on earlier samples' labels.
            var flip = random.NextDouble() < _spec.Rate;
            var other = random.Next(_classes - 1);
            given[i] = !flip ? y : _spec.Kind switch
            {
                // Uniform over the C-1 other classes: skip over y.
                NoiseKind.Symmetric => other >= y ? other + 1 : other,
                NoiseKind.PairFlip => (y + 1) % _classes,
                _ => y,
            };
            noisy[i] = given[i] != y;
        }

        return new NoisyLabels(given, clean, noisy);
    }
}
