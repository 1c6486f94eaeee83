using System.Globalization;

namespace EasyHard.Evaluation.Datasets;

/// <summary>
/// An in-memory labelled dataset: <see cref="Count"/> rows of <see cref="Dimension"/> float features stored
/// row-major in one array (one allocation for 60000×784 instead of 60000), with the true class of each row.
/// </summary>
public sealed class DenseDataset
{
    public DenseDataset(string name, int dimension, int classes, float[] features, int[] labels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (features.Length != (long)labels.Length * dimension)
        {
            throw new ArgumentException($"{features.Length} feature values do not make {labels.Length} rows of {dimension}", nameof(features));
        }

        Name = name;
        Dimension = dimension;
        Classes = classes;
        Features = features;
        Labels = labels;
    }

    public string Name { get; }

    public int Count => Labels.Length;

    public int Dimension { get; }

    public int Classes { get; }

    /// <summary>Row-major features, <see cref="Count"/> × <see cref="Dimension"/>.</summary>
    public float[] Features { get; }

    /// <summary>True class of each row, in [0, <see cref="Classes"/>).</summary>
    public int[] Labels { get; }

    public ReadOnlyMemory<float> Row(int index) => Features.AsMemory(checked(index * Dimension), Dimension);

    /// <summary>Id of row <paramref name="index"/>: <c>{prefix}-{index:D6}</c>, e.g. <c>fm-000042</c>.</summary>
    public static string Id(string prefix, int index) => string.Create(CultureInfo.InvariantCulture, $"{prefix}-{index:D6}");

    /// <summary>Pairs every row with its (possibly noisy) given label and the truth about it.</summary>
    public IReadOnlyList<LabelledSample> WithLabels(NoisyLabels labels, string idPrefix)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentException.ThrowIfNullOrWhiteSpace(idPrefix);
        if (labels.Count != Count)
        {
            throw new ArgumentException($"{labels.Count} labels for {Count} rows", nameof(labels));
        }

        var samples = new LabelledSample[Count];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = new LabelledSample(Id(idPrefix, i), Row(i), labels.Given[i], labels.True[i], labels.IsNoisy[i]);
        }

        return samples;
    }
}
