namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Bounded ring of the most recent target samples (features + label) from the targets topic, filled by
/// <see cref="Feedback.TargetConsumer"/>; when non-empty it replaces the clean reservoir as the influence target set.
/// Thread-safe; <see cref="Version"/> changes on every add so the scorer knows to refresh the target gradient.
/// </summary>
public sealed class TargetBuffer
{
    private readonly float[] features;
    private readonly long[] labels;
    private readonly Lock gate = new();
    private int next;

    public TargetBuffer(int capacity, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Capacity = capacity;
        Dimension = dimension;
        features = new float[capacity * dimension];
        labels = new long[capacity];
    }

    public int Capacity { get; }

    public int Dimension { get; }

    public int Count { get; private set; }

    public long Version { get; private set; }

    /// <summary>Adds one target sample; refuses a wrong dimension or a non-finite feature.</summary>
    public bool Add(ReadOnlySpan<float> sample, long label)
    {
        if (sample.Length != Dimension || label < 0)
        {
            return false;
        }

        foreach (var f in sample)
        {
            if (!float.IsFinite(f))
            {
                return false;
            }
        }

        lock (gate)
        {
            sample.CopyTo(features.AsSpan(next * Dimension, Dimension));
            labels[next] = label;
            next = (next + 1) % Capacity;
            Count = Math.Min(Count + 1, Capacity);
            Version++;
            return true;
        }
    }

    /// <summary>A copy of the current targets.</summary>
    public (float[] Features, long[] Labels) Snapshot()
    {
        lock (gate)
        {
            return (features.AsSpan(0, Count * Dimension).ToArray(), labels.AsSpan(0, Count).ToArray());
        }
    }
}
