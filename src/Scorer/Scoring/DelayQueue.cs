namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The batches <c>Scorer:Proxy:ScoreDelaySamples</c> holds back: trained on, not yet scored, oldest first. A batch is due once
/// the heads have trained on at least the delay's number of samples after it.
/// </summary>
internal sealed class DelayQueue(int delaySamples)
{
    private readonly Queue<MicroBatch> pending = new();

    /// <summary>Samples held back.</summary>
    public int Samples { get; private set; }

    /// <summary>Samples the heads have trained on, in order; a batch's <see cref="MicroBatch.TrainedAt"/> is this count after its training.</summary>
    public long Trained { get; private set; }

    /// <summary>Counts <paramref name="batch"/> as trained on.</summary>
    public void TrainedOn(MicroBatch batch)
    {
        Trained += batch.Count;
        batch.TrainedAt = Trained;
    }

    public void Hold(MicroBatch batch)
    {
        pending.Enqueue(batch);
        Samples += batch.Count;
    }

    /// <summary>The oldest batch held back if it is due, else null.</summary>
    public MicroBatch? NextDue() => pending.TryPeek(out var oldest) && Trained - oldest.TrainedAt >= delaySamples ? Take() : null;

    /// <summary>The oldest batch held back, due or not (the end of a stream), else null.</summary>
    public MicroBatch? Next() => pending.Count > 0 ? Take() : null;

    private MicroBatch Take()
    {
        var batch = pending.Dequeue();
        Samples -= batch.Count;
        return batch;
    }
}
