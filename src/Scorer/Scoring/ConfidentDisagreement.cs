namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The label-noise rate estimated where the proxy is surest: the running share of samples whose given label differs
/// from the predicted class, among the samples whose top probability is in the upper part of the recent top
/// probabilities of their predicted class. Over all samples that share is the noise rate plus the proxy's own error
/// rate (the confident joint runs high by about that much); among the most confident predictions of every class the
/// proxy is nearly always right, so what is left is the noise. The selection depends on the features alone (the
/// proxy and the vote never saw the sample's own label), so under noise that does not depend on the features
/// (symmetric, class-conditional) the selected samples carry the same noise rate as the stream; per predicted class, so
/// every class is represented. The idea is the anchor points of Patrini et al. 2017 ("Making Deep Neural Networks
/// Robust to Label Noise: a Loss Correction Approach"), who read the noise transition off the samples most confidently
/// predicted as each class, made robust by averaging over the upper part of each class instead of its maximum.
/// </summary>
internal sealed class ConfidentDisagreement
{
    /// <summary>
    /// Decay per counted sample: a memory of about 500 counted samples, 5,000 of the stream at the default quantile of
    /// 0.9, long enough to hold the estimate's noise near ±0.02 and short enough to follow the proxy as it learns.
    /// </summary>
    public const double CountedDecay = 0.998;

    private readonly int window;
    private readonly double decay;
    private readonly double quantile;
    private readonly float[] selection;

    /// <param name="quantile">The share of each predicted class's recent top probabilities below the selection threshold.</param>
    public ConfidentDisagreement(int classes, int window, double decay, double quantile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantile);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(quantile, 1.0);
        Classes = classes;
        this.window = window;
        this.decay = decay;
        this.quantile = quantile;
        selection = new float[window];
        Confidences = new float[classes * window];
        Count = new int[classes];
        Next = new int[classes];
        Thresholds = new float[classes];
        Tallies = new double[2];
    }

    public int Classes { get; }

    /// <summary>Per predicted class, a ring of recent top probabilities.</summary>
    internal float[] Confidences { get; }

    internal int[] Count { get; }

    internal int[] Next { get; }

    /// <summary>Per predicted class, the quantile of its ring a sample's top probability must reach to be counted.</summary>
    internal float[] Thresholds { get; }

    /// <summary>Decayed counts of the counted samples: [0] disagreeing with their label, [1] all.</summary>
    internal double[] Tallies { get; }

    /// <summary>Counted samples (decayed) before the estimate is used.</summary>
    public const double MinCounted = 200;

    /// <summary>True once enough confident samples were counted for <see cref="Rate"/> to be used.</summary>
    public bool Ready => Tallies[1] >= MinCounted;

    /// <summary>The share of the counted samples whose label differs from the predicted class.</summary>
    public double Rate => Tallies[1] > 0 ? Tallies[0] / Tallies[1] : 0;

    /// <summary>
    /// Counts the batch's samples whose top probability reaches their predicted class's threshold (as it stood before
    /// the batch), then adds every included sample's top probability to its class's ring and recomputes the thresholds.
    /// A class with fewer than <see cref="ClassStatistics.MinSamplesToFit"/> in its ring counts nothing yet.
    /// </summary>
    public void Update(ReadOnlySpan<int> labels, ReadOnlySpan<long> predicted, ReadOnlySpan<float> confidence, ReadOnlySpan<bool> include)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            int k = (int)predicted[i];
            if (!include[i] || Count[k] < ClassStatistics.MinSamplesToFit || confidence[i] < Thresholds[k])
            {
                continue;
            }

            Tallies[0] = (Tallies[0] * decay) + (labels[i] != k ? 1.0 : 0.0);
            Tallies[1] = (Tallies[1] * decay) + 1.0;
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (!include[i])
            {
                continue;
            }

            int k = (int)predicted[i];
            Confidences[(k * window) + Next[k]] = confidence[i];
            Next[k] = (Next[k] + 1) % window;
            Count[k] = Math.Min(Count[k] + 1, window);
        }

        for (int k = 0; k < Classes; k++)
        {
            if (Count[k] >= ClassStatistics.MinSamplesToFit)
            {
                var ring = selection.AsSpan(0, Count[k]);
                Confidences.AsSpan(k * window, Count[k]).CopyTo(ring);
                Thresholds[k] = OrderStatistic.Select(ring, (int)Math.Floor((ring.Length - 1) * quantile));
            }
        }
    }

    public void Write(BinaryWriter writer)
    {
        Persistence.CheckpointIo.Write(writer, Confidences);
        Persistence.CheckpointIo.Write(writer, Count);
        Persistence.CheckpointIo.Write(writer, Next);
        Persistence.CheckpointIo.Write(writer, Thresholds);
        Persistence.CheckpointIo.Write(writer, Tallies);
    }

    public void Read(BinaryReader reader)
    {
        Persistence.CheckpointIo.Read(reader, Confidences);
        Persistence.CheckpointIo.Read(reader, Count);
        Persistence.CheckpointIo.Read(reader, Next);
        Persistence.CheckpointIo.Read(reader, Thresholds);
        Persistence.CheckpointIo.Read(reader, Tallies);
    }
}
