namespace EasyHard.Bench.Common;

/// <summary>
/// Benchmark sample ids end in their index (<c>bench-000042</c>, as <see cref="Evaluation.Datasets.DenseDataset.Id"/> writes
/// them); the pipeline keys every output record by the sample id, so a reader recovers the index from the key.
/// </summary>
public static class SampleKeys
{
    /// <summary>The decimal number at the end of a UTF-8 key; -1 when there is none.</summary>
    public static long IndexOf(ReadOnlySpan<byte> key)
    {
        var start = key.Length;
        while (start > 0 && key[start - 1] is >= (byte)'0' and <= (byte)'9')
        {
            start--;
        }

        if (start == key.Length || key.Length - start > 18)
        {
            return -1;
        }

        long value = 0;
        foreach (var digit in key[start..])
        {
            value = (value * 10) + (digit - '0');
        }

        return value;
    }
}
