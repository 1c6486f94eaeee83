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
        Offered++;
        int slot;
        if (Size < Capacity)
        {
            slot = Size++;
        }
        else
        {
            long j = random.NextInt64(Offered);
            if (j >= Capacity)
            {
                return;
            }

            slot = (int)j;
        }

        features.CopyTo(Features.AsSpan(slot * dimension, dimension));
        Labels[slot] = label;
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
