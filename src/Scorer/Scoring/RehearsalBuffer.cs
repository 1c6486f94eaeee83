namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Bounded replay memory for rehearsal: a uniform reservoir (Vitter's Algorithm R) over every sample already scored,
/// with its fold. Each micro-batch also trains on samples drawn from it (experience replay, Lin 1992; rehearsal
/// against forgetting, Robins 1995), so one pass over a stream gives the proxy several passes' worth of steps over
/// what it has seen, as the epochs of offline training do. A sample enters only after it was scored, so first
/// exposures stay prequential, and cross-fitting holds: a replayed sample trains only the heads of other folds.
/// </summary>
internal sealed class RehearsalBuffer
{
    private readonly int dimension;

    public RehearsalBuffer(int capacity, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        Capacity = capacity;
        this.dimension = dimension;
        Features = new float[(long)capacity * dimension];
        Labels = new long[capacity];
        Folds = new int[capacity];
    }

    public int Capacity { get; }

    public int Size { get; private set; }

    /// <summary>Samples offered so far (drives the replacement probability).</summary>
    public long Offered { get; private set; }

    internal float[] Features { get; }

    internal long[] Labels { get; }

    internal int[] Folds { get; }

    /// <param name="random">Seeded by the caller from (seed, step) so a restored engine continues identically.</param>
    public void Offer(ReadOnlySpan<float> features, long label, int fold, Random random)
    {
        if (Capacity == 0)
        {
            return;
        }

        int slot = CleanReservoir.TakeSlot(Size, Capacity, ++Offered, random);
        if (slot < 0)
        {
            return;
        }

        Size = Math.Max(Size, slot + 1);
        features.CopyTo(Features.AsSpan(slot * dimension, dimension));
        Labels[slot] = label;
        Folds[slot] = fold;
    }

    /// <summary><paramref name="count"/> slots drawn uniformly with replacement (none while empty).</summary>
    public int[] Draw(int count, Random random)
    {
        if (Size == 0 || count <= 0)
        {
            return [];
        }

        var slots = new int[count];
        for (int i = 0; i < count; i++)
        {
            slots[i] = random.Next(Size);
        }

        return slots;
    }

    /// <summary>
    /// <paramref name="count"/> samples drawn uniformly with replacement, as a training minibatch for
    /// <paramref name="heads"/> heads: features [m, D], labels [m], folds [m] and per-head weights [E, m], 0 where
    /// cross-fitting keeps a head off the sample's fold. Empty while the buffer is.
    /// </summary>
    public (float[] Features, long[] Labels, int[] Folds, float[] HeadWeights) Sample(int count, Random random, FoldAssignment folds, int heads)
    {
        var slots = Draw(count, random);
        int m = slots.Length;
        var features = new float[m * dimension];
        var labels = new long[m];
        var sampleFolds = new int[m];
        var weights = new float[heads * m];
        for (int k = 0; k < m; k++)
        {
            int slot = slots[k];
            Features.AsSpan(slot * dimension, dimension).CopyTo(features.AsSpan(k * dimension, dimension));
            labels[k] = Labels[slot];
            sampleFolds[k] = Folds[slot];
            for (int e = 0; e < heads; e++)
            {
                weights[(e * m) + k] = folds.Trains(e, Folds[slot]) ? 1f : 0f;
            }
        }

        return (features, labels, sampleFolds, weights);
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Size);
        writer.Write(Offered);
        Persistence.CheckpointIo.Write(writer, Features.AsSpan(0, Size * dimension).ToArray());
        Persistence.CheckpointIo.Write(writer, Labels.AsSpan(0, Size).ToArray());
        Persistence.CheckpointIo.Write(writer, Folds.AsSpan(0, Size).ToArray());
    }

    public void Read(BinaryReader reader)
    {
        int size = reader.ReadInt32();
        if (size > Capacity)
        {
            throw new InvalidDataException($"Checkpoint rehearsal buffer holds {size} samples, more than its capacity {Capacity}.");
        }

        Size = size;
        Offered = reader.ReadInt64();
        var features = new float[Size * dimension];
        var labels = new long[Size];
        var folds = new int[Size];
        Persistence.CheckpointIo.Read(reader, features);
        Persistence.CheckpointIo.Read(reader, labels);
        Persistence.CheckpointIo.Read(reader, folds);
        features.CopyTo(Features, 0);
        labels.CopyTo(Labels, 0);
        folds.CopyTo(Folds, 0);
    }
}
