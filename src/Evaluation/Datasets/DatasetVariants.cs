namespace EasyHard.Evaluation.Datasets;

/// <summary>
/// Derived datasets for the quality matrix: streams shaped like the ones users bring besides a balanced image set.
/// </summary>
public static class DatasetVariants
{
    /// <summary>
    /// Long-tailed classes: class c keeps n_max · ratio^(c / (C − 1)) of its rows (the exponential profile of
    /// Cui et al. 2019, "Class-Balanced Loss Based on Effective Number of Samples"), so the smallest class is
    /// <paramref name="ratio"/> times the largest. Rows keep their order.
    /// </summary>
    public static DenseDataset LongTailed(DenseDataset source, double ratio)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratio);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ratio, 1.0);
        var perClass = new int[source.Classes];
        foreach (var label in source.Labels)
        {
            perClass[label]++;
        }

        int largest = perClass.Max();
        var quota = Enumerable.Range(0, source.Classes)
            .Select(c => Math.Min(perClass[c], (int)Math.Round(largest * Math.Pow(ratio, c / (double)(source.Classes - 1)))))
            .ToArray();
        var kept = new List<int>();
        var taken = new int[source.Classes];
        for (int i = 0; i < source.Count; i++)
        {
            int c = source.Labels[i];
            if (taken[c] < quota[c])
            {
                taken[c]++;
                kept.Add(i);
            }
        }

        return Select(source, kept, $"{source.Name}-longtail{ratio:0.##}", source.Dimension, (row, into) => row.CopyTo(into));
    }

    /// <summary>
    /// Square images of side s averaged over <paramref name="factor"/> × <paramref name="factor"/> blocks (side s /
    /// factor): Fashion-MNIST at 4 becomes 7 × 7 = 49 features, a small low-dimensional stream.
    /// </summary>
    public static DenseDataset Downsampled(DenseDataset source, int side, int factor, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (side * side != source.Dimension || side % factor != 0)
        {
            throw new ArgumentException($"A {source.Dimension}-feature dataset is not {side} × {side} images divisible into {factor} × {factor} blocks.");
        }

        int small = side / factor;
        var rows = Enumerable.Range(0, Math.Min(count, source.Count)).ToList();
        return Select(source, rows, $"{source.Name}-{small}x{small}", small * small, (row, into) =>
        {
            into.Clear();
            for (int y = 0; y < side; y++)
            {
                for (int x = 0; x < side; x++)
                {
                    into[((y / factor) * small) + (x / factor)] += row[(y * side) + x] / (factor * factor);
                }
            }
        });
    }

    private delegate void RowTransform(ReadOnlySpan<float> row, Span<float> into);

    private static DenseDataset Select(DenseDataset source, List<int> rows, string name, int dimension, RowTransform transform)
    {
        var features = new float[(long)rows.Count * dimension];
        var labels = new int[rows.Count];
        for (int k = 0; k < rows.Count; k++)
        {
            transform(source.Row(rows[k]).Span, features.AsSpan(k * dimension, dimension));
            labels[k] = source.Labels[rows[k]];
        }

        return new DenseDataset(name, dimension, source.Classes, features, labels);
    }
}
