namespace EasyHard.Scorer.Weighting;

/// <summary>
/// Holds the weights' mean at 1 over a sliding window of the most recent raw weights, so the trainer's effective
/// learning rate does not drift as the policies shift mass between samples.
/// </summary>
public sealed class WeightRenormalizer
{
    private readonly double[] window;
    private int next;
    private double sum;

    public WeightRenormalizer(int windowSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowSize, 1);
        window = new double[windowSize];
    }

    public int Count { get; private set; }

    /// <summary>Adds the batch's raw weights to the window, then divides each by the window mean (in place).</summary>
    public void Renormalize(Span<double> weights)
    {
        foreach (var w in weights)
        {
            if (Count == window.Length)
            {
                sum -= window[next];
            }
            else
            {
                Count++;
            }

            window[next] = w;
            sum += w;
            next = (next + 1) % window.Length;
        }

        // Recompute occasionally-drifting floating sums exactly when the window wraps.
        if (next == 0)
        {
            sum = window.Sum();
        }

        double mean = Count > 0 ? sum / Count : 1.0;
        if (mean <= 0 || !double.IsFinite(mean))
        {
            return;
        }

        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] /= mean;
        }
    }

    internal void Write(BinaryWriter writer)
    {
        writer.Write(next);
        writer.Write(Count);
        writer.Write(sum);
        Persistence.CheckpointIo.Write(writer, window);
    }

    internal void Read(BinaryReader reader)
    {
        next = reader.ReadInt32();
        Count = reader.ReadInt32();
        sum = reader.ReadDouble();
        Persistence.CheckpointIo.Read(reader, window);
    }
}
