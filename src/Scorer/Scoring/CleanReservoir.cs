namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Uniform reservoir (Vitter's Algorithm R) of recent samples judged clean: the influence target set. Features
/// are kept, not gradients, so the target gradient is always recomputed under the current model.
/// </summary>
internal sealed class CleanReservoir
{
    private readonly int dimension;

    public CleanReservoir(int capacity, int dimension)
    {
        Capacity = capacity;
        this.dimension = dimension;
        Features = new float[capacity * dimension];
        Labels = new long[capacity];
    }

    public int Capacity { get; }

    public int Size { get; private set; }

    /// <summary>Clean samples offered so far (drives the replacement probability).</summary>
    public long Offered { get; private set; }

    internal float[] Features { get; }

    internal long[] Labels { get; }

    /// <param name="random">Seeded by the caller from (seed, step) so a restored engine continues identically.</param>
    public void Offer(ReadOnlySpan<float> features, long label, Random random)
    {
        int slot = TakeSlot(Size, Capacity, ++Offered, random);
        if (slot < 0)
        {
            return;
        }

        Size = Math.Max(Size, slot + 1);
        features.CopyTo(Features.AsSpan(slot * dimension, dimension));
        Labels[slot] = label;
    }

    /// <summary>
    /// Algorithm R's step for the <paramref name="offered"/>-th item: the next free slot while the reservoir fills, then
    /// a uniform slot with probability capacity / offered, else −1 (the item is not kept).
    /// </summary>
    internal static int TakeSlot(int size, int capacity, long offered, Random random)
    {
        if (size < capacity)
        {
            return size;
        }

        long j = random.NextInt64(offered);
        return j < capacity ? (int)j : -1;
    }

    public void Write(BinaryWriter writer)
    {
        writer.Write(Size);
        writer.Write(Offered);
        Persistence.CheckpointIo.Write(writer, Features);
        Persistence.CheckpointIo.Write(writer, Labels);
    }

    public void Read(BinaryReader reader)
    {
        Size = reader.ReadInt32();
        Offered = reader.ReadInt64();
        Persistence.CheckpointIo.Read(reader, Features);
        Persistence.CheckpointIo.Read(reader, Labels);
    }
}
