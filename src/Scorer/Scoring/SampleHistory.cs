namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Bounded per-id memory of earlier exposures (least recently seen id evicted first). A later exposure of an id
/// blends its new out-of-sample estimates with the earlier ones, which lowers their variance: the streaming
/// counterpart of averaging a sample's statistics over epochs as AUM (Pleiss et al. 2020) and forgetting events
/// (Toneva et al. 2019) do. Under Kafka each id also belongs to the input partition it came from
/// (<see cref="Claim"/>; <see cref="NoPartition"/> until then), so a partition's ids can leave with it
/// (<see cref="DropPartitions"/>) and come back from its changelog (<see cref="Put"/>).
/// </summary>
internal sealed class SampleHistory
{
    /// <summary>
    /// Weight of the newest exposure is max(1/n, this): a plain mean over the first exposures, then an exponential
    /// average that follows a model which keeps improving.
    /// </summary>
    internal const double MinBlend = 0.3;

    /// <summary>The partition of an id read from a checkpoint or scored outside Kafka.</summary>
    public const int NoPartition = -1;

    private readonly Dictionary<string, LinkedListNode<Entry>> index;
    private readonly LinkedList<Entry> order = new();

    public SampleHistory(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        index = new Dictionary<string, LinkedListNode<Entry>>(Math.Min(capacity, 1 << 16), StringComparer.Ordinal);
    }

    public int Capacity { get; }

    public int Count => index.Count;

    /// <summary>Ids dropped to stay within <see cref="Capacity"/>, since start.</summary>
    public long Evictions { get; private set; }

    public bool TryGet(string id, out SampleRecord record)
    {
        if (index.TryGetValue(id, out var node))
        {
            record = node.Value.Record;
            return true;
        }

        record = default;
        return false;
    }

    /// <summary>
    /// Folds one exposure into the id's record and returns the blended record (for a first exposure: this exposure's
    /// values). <paramref name="logMargin"/> is log p̄_y − max_{k≠y} log p̄_k.
    /// </summary>
    public SampleRecord Observe(string id, float loss, float noiseLogOdds, float difficulty, float logMargin, bool correct)
    {
        SampleRecord updated;
        if (index.TryGetValue(id, out var node))
        {
            var old = node.Value.Record;
            int n = old.Exposures + 1;
            float blend = (float)Math.Max(1.0 / n, MinBlend);
            updated = new SampleRecord(
                n,
                Mix(old.LossEma, loss, blend),
                Mix(old.NoiseLogOdds, noiseLogOdds, blend),
                Mix(old.Difficulty, difficulty, blend),
                old.Aum + ((logMargin - old.Aum) / n),
                old.ForgettingEvents + (old.LastCorrect && !correct ? 1 : 0),
                correct);
            order.Remove(node);
            node.Value = node.Value with { Record = updated };
            order.AddLast(node);
            return updated;
        }

        updated = new SampleRecord(1, loss, noiseLogOdds, difficulty, logMargin, 0, correct);
        Add(id, updated, NoPartition);
        return updated;
    }

    /// <summary>Marks <paramref name="id"/> (when held) as belonging to input partition <paramref name="partition"/> and returns its record.</summary>
    public bool Claim(string id, int partition, out SampleRecord record)
    {
        if (index.TryGetValue(id, out var node))
        {
            node.Value = node.Value with { Partition = partition };
            record = node.Value.Record;
            return true;
        }

        record = default;
        return false;
    }

    /// <summary>Forgets every id of the partitions for which <paramref name="drop"/> is true; returns how many.</summary>
    public int DropPartitions(Func<int, bool> drop)
    {
        int dropped = 0;
        for (var node = order.First; node is not null;)
        {
            var next = node.Next;
            if (drop(node.Value.Partition))
            {
                order.Remove(node);
                index.Remove(node.Value.Id);
                dropped++;
            }

            node = next;
        }

        return dropped;
    }

    /// <summary>Sets an id's record as restored from its partition's changelog (the most recently seen, as if just observed).</summary>
    public void Put(string id, SampleRecord record, int partition)
    {
        if (index.TryGetValue(id, out var node))
        {
            order.Remove(node);
            index.Remove(id);
        }

        Add(id, record, partition);
    }

    private void Add(string id, SampleRecord record, int partition)
    {
        if (Capacity == 0)
        {
            return;
        }

        if (index.Count >= Capacity)
        {
            var oldest = order.First!;
            order.RemoveFirst();
            index.Remove(oldest.Value.Id);
            Evictions++;
        }

        index[id] = order.AddLast(new Entry(id, record, partition));
    }

    private static float Mix(float old, float value, float blend) => old + (blend * (value - old));

    /// <summary>Writes every record, least recently seen first, so reading restores the eviction order.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(index.Count);
        writer.Write(Evictions);
        foreach (var (id, r, _) in order)
        {
            writer.Write(id);
            writer.Write(r.Exposures);
            writer.Write(r.LossEma);
            writer.Write(r.NoiseLogOdds);
            writer.Write(r.Difficulty);
            writer.Write(r.Aum);
            writer.Write(r.ForgettingEvents);
            writer.Write(r.LastCorrect);
        }
    }

    public void Read(BinaryReader reader)
    {
        index.Clear();
        order.Clear();
        int count = reader.ReadInt32();
        Evictions = reader.ReadInt64();
        for (int i = 0; i < count; i++)
        {
            var id = reader.ReadString();
            var record = new SampleRecord(reader.ReadInt32(), reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle(), reader.ReadSingle(), reader.ReadInt32(), reader.ReadBoolean());
            if (i >= count - Capacity)
            {
                index[id] = order.AddLast(new Entry(id, record, NoPartition));
            }
        }
    }

    private readonly record struct Entry(string Id, SampleRecord Record, int Partition);
}
