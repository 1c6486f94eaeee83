namespace EasyHard.Evaluation.Datasets;

/// <summary>
/// Seeded Gaussian class clusters: class c has a centre μ_c = s·u_c with u_c a random unit vector, and each
/// sample is μ_c + N(0, I). Two centres lie about s·√2 apart, so with the default s = 3 a pair of classes is
/// confused with probability about Φ(−s/√2) ≈ 2 % (the Bayes error of two unit-variance Gaussians): a small
/// model learns it within a few thousand samples, yet it keeps genuinely hard samples near the boundaries.
/// </summary>
public static class SyntheticDataset
{
    public const double DefaultSeparation = 3.0;

    /// <summary>Generates <paramref name="count"/> samples with balanced classes (label = index mod classes, shuffled).</summary>
    public static DenseDataset Generate(int count, int dimension = 32, int classes = 10, int seed = 1, double separation = DefaultSeparation)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (!double.IsFinite(separation) || separation <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(separation), separation, "separation must be a positive number");
        }

        var random = new Random(seed);
        var centres = new float[classes * dimension];
        for (var c = 0; c < classes; c++)
        {
            var centre = centres.AsSpan(c * dimension, dimension);
            double norm;
            do
            {
                norm = 0;
                for (var j = 0; j < dimension; j++)
                {
                    var g = Gaussian(random);
                    centre[j] = (float)g;
                    norm += g * g;
                }
            }
            while (norm == 0);

            var scale = (float)(separation / Math.Sqrt(norm));
            for (var j = 0; j < dimension; j++)
            {
                centre[j] *= scale;
            }
        }

        var labels = new int[count];
        for (var i = 0; i < count; i++)
        {
            labels[i] = i % classes;
        }

        random.Shuffle(labels);
        var features = new float[(long)count * dimension];
        for (var i = 0; i < count; i++)
        {
            var centre = centres.AsSpan(labels[i] * dimension, dimension);
            var row = features.AsSpan(i * dimension, dimension);
            for (var j = 0; j < dimension; j++)
            {
                row[j] = centre[j] + (float)Gaussian(random);
            }
        }

        return new DenseDataset($"synthetic-{dimension}d-{classes}c", dimension, classes, features, labels);
    }

    // Box–Muller; System.Random seeded with an int is the same sequence on every platform.
    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
