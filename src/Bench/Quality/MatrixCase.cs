using System.Globalization;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Quality;

/// <summary>The stream a case of the quality matrix is made of.</summary>
public enum MatrixData
{
    /// <summary>The Fashion-MNIST train split from its start.</summary>
    FashionMnist,

    /// <summary>Fashion-MNIST with long-tailed classes: the smallest a tenth of the largest.</summary>
    LongTailed,

    /// <summary>Fashion-MNIST averaged to 7 × 7 = 49 features: a small, low-dimensional stream.</summary>
    Small,
}

/// <summary>
/// One case of <c>easyhard bench quality --matrix</c>: data, size (rows of the train split it is made from), noise and
/// epochs of the stream.
/// </summary>
public sealed record MatrixCase(MatrixData Data, int Count, NoiseSpec Noise, int Epochs)
{
    /// <summary>Data, noise and epochs; the size too for Fashion-MNIST (the derived streams are smaller than their source rows).</summary>
    public string Name => Data == MatrixData.FashionMnist
        ? string.Create(CultureInfo.InvariantCulture, $"{DataName} {Count / 1000.0:0.#}k {Noise} ×{Epochs}")
        : string.Create(CultureInfo.InvariantCulture, $"{DataName} {Noise} ×{Epochs}");

    private string DataName => Data switch
    {
        MatrixData.LongTailed => "long-tailed",
        MatrixData.Small => "small 7×7",
        _ => "fashion-mnist",
    };

    /// <summary>The matrix docs/performance.md reports: every noise kind at two sizes in one pass, then repeated epochs, long tails and a small stream.</summary>
    public static IReadOnlyList<MatrixCase> Full { get; } = BuildFull();

    /// <summary>Two tiny cases, for the CI smoke run of the matrix itself.</summary>
    public static IReadOnlyList<MatrixCase> Smoke { get; } =
    [
        new(MatrixData.FashionMnist, 3000, new NoiseSpec(NoiseKind.Symmetric, 0.4), 1),
        new(MatrixData.Small, 1500, NoiseSpec.None, 2),
    ];

    private static List<MatrixCase> BuildFull()
    {
        NoiseSpec[] noises =
        [
            new(NoiseKind.Symmetric, 0.2), new(NoiseKind.Symmetric, 0.4), new(NoiseKind.Symmetric, 0.6),
            new(NoiseKind.PairFlip, 0.3), new(NoiseKind.PairFlip, 0.45), NoiseSpec.None,
        ];
        var cases = new List<MatrixCase>();
        foreach (var count in (int[])[60_000, 20_000])
        {
            cases.AddRange(noises.Select(noise => new MatrixCase(MatrixData.FashionMnist, count, noise, 1)));
        }

        cases.Add(new(MatrixData.FashionMnist, 60_000, new NoiseSpec(NoiseKind.Symmetric, 0.4), 3));
        cases.Add(new(MatrixData.FashionMnist, 20_000, new NoiseSpec(NoiseKind.PairFlip, 0.45), 3));
        cases.Add(new(MatrixData.LongTailed, 60_000, new NoiseSpec(NoiseKind.Symmetric, 0.2), 2));
        cases.Add(new(MatrixData.Small, 3_000, new NoiseSpec(NoiseKind.Symmetric, 0.3), 3));
        return cases;
    }
}
