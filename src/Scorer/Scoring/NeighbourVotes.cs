using EasyHard.Contracts;
using EasyHard.Scorer.Proxy;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The label vote of a sample's k nearest neighbours among the samples scored before it: q_k = (votes for k + 1/C) /
/// (voters + 1). Blended into the proxy's prediction (<see cref="Blend"/>), it is the deep-kNN check of label noise
/// (Bahri et al. 2020, "Deep k-NN for Noisy Labels"; Zhu et al. 2022, "Detecting Corrupted Labels Without Training a
/// Model to Predict") computed on a fixed random projection of the features (Johnson–Lindenstrauss): it needs no
/// training, so on a stream's first thousands of samples, where a one-pass proxy is still weak, it is already about as
/// good as later.
/// <para>
/// Memory: a uniform reservoir (Algorithm R) over every finite sample scored, projected, with its label and id hash. A
/// sample is offered after its own vote, and a neighbour with its own id does not vote, so a repeated id (epochs,
/// backfills) is judged out-of-sample, by the other samples alone, as leave-one-out k-NN. The distances, the top k and
/// the memory live on the engine's device.
/// </para>
/// </summary>
internal sealed class NeighbourVotes : IDisposable
{
    /// <summary>Extra neighbours fetched so that up to this many copies of the sample's own id can be passed over.</summary>
    private const int OwnCopiesSkipped = 4;

    private readonly int dimension;
    private readonly int classes;
    private readonly int count;
    private readonly Tensor? projection;
    private readonly Tensor memory;
    private readonly Tensor memoryNorms;
    private readonly long[] labels;
    private readonly ulong[] idHashes;
    private readonly Device device;

    public NeighbourVotes(NeighbourOptions options, int dimension, int classes, int seed, Device device)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.dimension = dimension;
        this.classes = classes;
        this.device = device;
        count = options.Count;
        Weight = options.Weight;
        Capacity = options.Weight > 0 ? options.Capacity : 0;
        Dimensions = Math.Min(dimension, options.Dimensions);
        if (dimension > options.Dimensions)
        {
            // Gaussian entries / √d: squared distances are kept in expectation.
            using var generator = new Generator((ulong)seed + 0x6E6E);
            projection = randn(dimension, options.Dimensions, generator: generator).div_(Math.Sqrt(options.Dimensions)).to(device);
        }

        memory = zeros(Math.Max(Capacity, 1), Dimensions).to(device);
        memoryNorms = zeros(Math.Max(Capacity, 1)).to(device);
        labels = new long[Capacity];
        idHashes = new ulong[Capacity];
    }

    /// <summary>λ: the vote's share of the blended prediction.</summary>
    public double Weight { get; }

    public int Capacity { get; }

    /// <summary>Dimensions distances are measured in.</summary>
    public int Dimensions { get; }

    /// <summary>
    /// Samples the next votes search: the reservoir's first slots up to this many (all of it by default; under load
    /// <c>Scorer:Neighbours:CapacityUnderLoad</c>). Once the reservoir is full its slots are replaced uniformly, so any
    /// fixed set of them is a uniform sample of the stream too.
    /// </summary>
    public int Searched { get; set; } = int.MaxValue;

    /// <summary>Samples held.</summary>
    public int Size { get; private set; }

    /// <summary>Samples offered so far (drives the replacement probability).</summary>
    public long Offered { get; private set; }

    public bool Enabled => Capacity > 0;

    /// <summary>
    /// [B, C] each sample's vote q over the samples held (its own id left out), or null while none is held or the
    /// vote is off. Rows not <paramref name="finite"/> are uniform.
    /// </summary>
    public float[]? Vote(ArraySegment<float> features, ulong[] ids, bool[] finite)
    {
        int n = ids.Length;
        if (!Enabled || Size == 0 || n == 0)
        {
            return null;
        }

        using var scope = NewDisposeScope();
        var z = Project(features, n);
        int searched = Math.Min(Size, Searched);
        var held = memory.narrow(0, 0, searched);

        // ‖z − m‖² = ‖z‖² − 2 z·m + ‖m‖², ranked per row, where ‖z‖² is the same for every m: one multiply with the norms
        // as its bias (a pass over the [B, held] matrix costs as much as a third of the multiply).
        var distances = addmm(memoryNorms.narrow(0, 0, searched).unsqueeze(0), z, held.t(), beta: 1, alpha: -2);
        int fetched = Math.Min(count + OwnCopiesSkipped, searched);
        var nearest = HostTensor.IsHostFloats(distances)
            ? Nearest(HostTensor.Floats(distances), n, searched, fetched)
            : distances.topk(fetched, dim: 1, largest: false, sorted: true).indexes.cpu().data<long>().ToArray();

        var votes = new float[n * classes];
        float prior = 1f / classes;
        for (int i = 0; i < n; i++)
        {
            var row = votes.AsSpan(i * classes, classes);
            if (!finite[i])
            {
                row.Fill(prior);
                continue;
            }

            int voters = 0;
            for (int j = 0; j < fetched && voters < count; j++)
            {
                int slot = (int)nearest[(i * fetched) + j];
                if (idHashes[slot] != ids[i])
                {
                    row[(int)labels[slot]] += 1f;
                    voters++;
                }
            }

            for (int k = 0; k < classes; k++)
            {
                row[k] = (row[k] + prior) / (voters + 1f);
            }
        }

        return votes;
    }

    /// <summary>
    /// Offers the batch's finite samples to the reservoir, after their vote. <paramref name="random"/> is seeded by the
    /// caller from (seed, step), so a restored engine keeps the samples an uninterrupted one would.
    /// </summary>
    public void Add(ArraySegment<float> features, long[] batchLabels, ulong[] ids, bool[] finite, Random random)
    {
        int n = ids.Length;
        if (!Enabled || n == 0)
        {
            return;
        }

        // The last sample given a slot keeps it, as one by one.
        var slotOf = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            if (!finite[i])
            {
                continue;
            }

            int slot = CleanReservoir.TakeSlot(Size, Capacity, ++Offered, random);
            if (slot >= 0)
            {
                Size = Math.Max(Size, slot + 1);
                slotOf[slot] = i;
            }
        }

        if (slotOf.Count == 0)
        {
            return;
        }

        // Only the samples kept are projected: once the reservoir is full, few of a batch are.
        using var scope = NewDisposeScope();
        var slots = slotOf.Keys.ToArray();
        var kept = new float[slots.Length * dimension];
        for (int r = 0; r < slots.Length; r++)
        {
            int i = slotOf[slots[r]];
            labels[slots[r]] = batchLabels[i];
            idHashes[slots[r]] = ids[i];
            features.AsSpan(i * dimension, dimension).CopyTo(kept.AsSpan(r * dimension, dimension));
        }

        var z = Project(kept, slots.Length);
        var at = tensor(Array.ConvertAll(slots, s => (long)s)).to(device);
        memory.index_copy_(0, at, z);
        memoryNorms.index_copy_(0, at, z.mul(z).sum(1));
    }

    /// <summary>
    /// p ← (1 − λ) p + λ q for every head's row of [E, B, C] <paramref name="probabilities"/>, so every signal computed
    /// from the heads' mean sees the blend; their disagreement shrinks by (1 − λ) alike for every sample.
    /// </summary>
    public void Blend(Span<float> probabilities, float[] votes, int heads)
    {
        int n = votes.Length / classes;
        float keep = (float)(1 - Weight), share = (float)Weight;
        for (int e = 0; e < heads; e++)
        {
            for (int i = 0; i < n * classes; i++)
            {
                int at = (e * n * classes) + i;
                probabilities[at] = (keep * probabilities[at]) + (share * votes[i]);
            }
        }
    }

    /// <summary>
    /// [rows, k] the columns of the k smallest values of each row of a row-major [rows, columns] matrix, nearest first:
    /// on the host, one pass per row that keeps the k best in order (most values fail the comparison with the k-th
    /// best and cost nothing more), about twice as fast as libtorch's top-k on the CPU for k of about 20.
    /// </summary>
    internal static long[] Nearest(ReadOnlySpan<float> distances, int rows, int columns, int k)
    {
        var nearest = new long[rows * k];
        Span<float> best = stackalloc float[k];
        for (int r = 0; r < rows; r++)
        {
            var row = distances.Slice(r * columns, columns);
            var slots = nearest.AsSpan(r * k, k);
            int held = 0;
            for (int c = 0; c < columns; c++)
            {
                float d = row[c];
                if (held == k && d >= best[k - 1])
                {
                    continue;
                }

                int at = held < k ? held++ : k - 1;
                while (at > 0 && best[at - 1] > d)
                {
                    best[at] = best[at - 1];
                    slots[at] = slots[at - 1];
                    at--;
                }

                best[at] = d;
                slots[at] = c;
            }
        }

        return nearest;
    }

    /// <summary>The id hashes the vote tells samples apart by.</summary>
    public static ulong[] Hash(string[] ids) => Array.ConvertAll(ids, StableHash.Fnv1a);

    /// <summary>The projection, then the samples held: their projected features, labels and id hashes.</summary>
    public void Write(BinaryWriter writer)
    {
        using var scope = NewDisposeScope();
        writer.Write(Size);
        writer.Write(Offered);
        writer.Write(projection is not null);
        if (projection is not null)
        {
            Persistence.CheckpointIo.Write(writer, projection.cpu().data<float>().ToArray());
        }

        Persistence.CheckpointIo.Write(writer, Size == 0 ? [] : memory.narrow(0, 0, Size).cpu().contiguous().data<float>().ToArray());
        Persistence.CheckpointIo.Write(writer, labels.AsSpan(0, Size).ToArray());
        Persistence.CheckpointIo.Write(writer, Array.ConvertAll(idHashes[..Size], h => unchecked((long)h)));
    }

    public void Read(BinaryReader reader)
    {
        int size = reader.ReadInt32();
        if (size > Capacity)
        {
            throw new InvalidDataException($"Checkpoint neighbour memory holds {size} samples, more than its capacity {Capacity}.");
        }

        long offered = reader.ReadInt64();
        if (reader.ReadBoolean() != (projection is not null))
        {
            throw new InvalidDataException("Checkpoint neighbour memory was written with another projection.");
        }

        using var scope = NewDisposeScope();
        if (projection is not null)
        {
            var values = new float[projection.NumberOfElements];
            Persistence.CheckpointIo.Read(reader, values);
            projection.copy_(tensor(values).reshape(projection.shape));
        }

        var rows = new float[size * Dimensions];
        var readLabels = new long[size];
        var hashes = new long[size];
        Persistence.CheckpointIo.Read(reader, rows);
        Persistence.CheckpointIo.Read(reader, readLabels);
        Persistence.CheckpointIo.Read(reader, hashes);
        readLabels.CopyTo(labels, 0);
        for (int i = 0; i < size; i++)
        {
            idHashes[i] = unchecked((ulong)hashes[i]);
        }

        if (size > 0)
        {
            var z = tensor(rows).reshape(size, Dimensions).to(device);
            memory.narrow(0, 0, size).copy_(z);
            memoryNorms.narrow(0, 0, size).copy_(z.mul(z).sum(1));
        }

        (Size, Offered) = (size, offered);
    }

    public void Dispose()
    {
        projection?.Dispose();
        memory.Dispose();
        memoryNorms.Dispose();
    }

    private Tensor Project(ReadOnlySpan<float> features, int n)
    {
        var x = HostTensor.Copy(features[..(n * dimension)], n, dimension).to(device);
        return projection is null ? x : x.matmul(projection);
    }
}
