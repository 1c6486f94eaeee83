using EasyHard.Evaluation.Datasets;

namespace EasyHard.Host.Producing;

/// <summary>
/// A seeded stream of samples for the load generator and the demo: a dataset with injected label noise,
/// the truth about each sample, and optionally some malformed records mixed in.
/// </summary>
public sealed class GeneratedStream
{
    private GeneratedStream(string datasetName, int dimension, int classes, IReadOnlyList<LabelledSample> samples)
    {
        DatasetName = datasetName;
        Dimension = dimension;
        Classes = classes;
        Samples = samples;
    }

    public string DatasetName { get; }

    public int Dimension { get; }

    public int Classes { get; }

    public IReadOnlyList<LabelledSample> Samples { get; }

    /// <summary>Names of the classes by label when the dataset has them (Fashion-MNIST's), else empty.</summary>
    public IReadOnlyList<string> ClassNames => IsFashionMnist ? FashionMnist.ClassNames : [];

    /// <summary><c>Schema:ImageShape</c> of the samples: <c>28x28</c> for Fashion-MNIST, empty when they are not images.</summary>
    public string ImageShape => IsFashionMnist ? $"{FashionMnist.Side}x{FashionMnist.Side}" : "";

    private bool IsFashionMnist => DatasetName.StartsWith("fashion-mnist", StringComparison.OrdinalIgnoreCase);

    /// <param name="dataset"><c>fashion-mnist</c> or <c>synthetic</c>.</param>
    /// <param name="fallBackToSynthetic">Use synthetic data when Fashion-MNIST is not installed (the demo does).</param>
    public static GeneratedStream Create(string dataset, int count, NoiseSpec noise, int seed, bool fallBackToSynthetic, int syntheticDimension = 64)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        DenseDataset data;
        string prefix;
        switch (dataset.Trim().ToLowerInvariant())
        {
            case "fashion-mnist" when FashionMnist.IsAvailable() || !fallBackToSynthetic:
                data = FashionMnist.Load(limit: count);
                prefix = "fm";
                break;
            case "fashion-mnist":
            case "synthetic":
                data = SyntheticDataset.Generate(count, syntheticDimension, classes: 10, seed: seed + 1);
                prefix = "syn";
                break;
            default:
                throw new ArgumentException($"--dataset must be fashion-mnist or synthetic (got '{dataset}').");
        }

        var labels = new NoiseInjector(noise, data.Classes, seed).Apply(data.Labels);
        return new GeneratedStream(data.Name, data.Dimension, data.Classes, data.WithLabels(labels, prefix));
    }
}
