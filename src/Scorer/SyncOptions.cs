using System.ComponentModel.DataAnnotations;

namespace EasyHard.Scorer;

/// <summary>
/// Scale-out (section <c>Scorer:Sync</c>): scorer instances share one model by averaging it through the compacted topic
/// <c>Topics:Model</c> (<see cref="Sync.ModelSync"/>).
/// </summary>
public sealed class SyncOptions
{
    /// <summary>Publish this instance's model and merge its peers'. Off: each instance learns from its own partitions only.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A publication and merge every this many full batches' worth of samples (× <c>Scorer:Batching:MaxBatchSize</c>),
    /// counted in samples so a trickle of small batches does not publish more often per sample; in a new fleet after 1, 2, 4, …
    /// batches at first (<see cref="Sync.SyncSchedule"/>). The default, 24 × 256 = 6,144 samples, keeps the
    /// topic's bytes under 5 % of the input's for 784-feature protobuf samples (one message: 0.36 MB).
    /// </summary>
    [Range(1, 1_000_000)] public int IntervalBatches { get; set; } = 24;

    /// <summary>A peer's model older than this when it would be merged is ignored (its instance has probably left).</summary>
    [Range(1, 86_400)] public int MaxAgeSeconds { get; set; } = 300;

    /// <summary>How long a starting instance reads the model topic for the fleet's latest models before it scores.</summary>
    [Range(0, 600)] public int StartTimeoutSeconds { get; set; } = 30;
}
