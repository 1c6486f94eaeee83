namespace EasyHard.Scorer.Feedback;

/// <summary>
/// Bounded map sample id → latest trainer loss, filled from the feedback topic by <see cref="FeedbackConsumer"/> and
/// read by the scoring thread: those losses replace proxy losses in the loss policy. The oldest id is dropped first.
/// Thread-safe.
/// </summary>
public sealed class FeedbackStore
{
    private readonly Dictionary<string, float> losses = new(StringComparer.Ordinal);
    private readonly Queue<string> arrival = new();
    private readonly Lock gate = new();

    public FeedbackStore(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    public int Capacity { get; }

    public int Count
    {
        get
        {
            lock (gate)
            {
                return losses.Count;
            }
        }
    }

    /// <summary>Records (or replaces) the trainer's loss for <paramref name="id"/>; a non-finite or negative loss is refused.</summary>
    public bool Set(string id, float loss)
    {
        if (string.IsNullOrEmpty(id) || !float.IsFinite(loss) || loss < 0)
        {
            return false;
        }

        lock (gate)
        {
            if (!losses.ContainsKey(id))
            {
                while (losses.Count >= Capacity && arrival.TryDequeue(out var oldest))
                {
                    losses.Remove(oldest);
                }

                arrival.Enqueue(id);
            }

            losses[id] = loss;
            return true;
        }
    }

    /// <summary>For each id with a trainer loss, overwrites <paramref name="loss"/>[i]; returns how many were replaced.</summary>
    public int Apply(IReadOnlyList<string> ids, Span<float> loss)
    {
        int applied = 0;
        lock (gate)
        {
            if (losses.Count == 0)
            {
                return 0;
            }

            for (int i = 0; i < ids.Count; i++)
            {
                if (losses.TryGetValue(ids[i], out var value))
                {
                    loss[i] = value;
                    applied++;
                }
            }
        }

        return applied;
    }
}
