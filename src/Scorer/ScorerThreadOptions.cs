using System.ComponentModel.DataAnnotations;

namespace EasyHard.Scorer;

/// <summary>Threads of the scorer on the CPU (section <c>Scorer:Threads</c>); both 0 (automatic) by default.</summary>
public sealed class ScorerThreadOptions
{
    /// <summary>
    /// libtorch intra-op threads of each scoring thread on the CPU. 0 (the default) is automatic: the cores but one,
    /// shared by the <see cref="Heads"/> (<see cref="ScorerOptions.ResolvedThreads"/>), since the host side of every batch runs
    /// on a core of its own while the heads train, and each parallel region first waits for all its threads to be
    /// scheduled.
    /// </summary>
    [Range(0, 1024)] public int Torch { get; set; }

    /// <summary>
    /// Threads the ensemble's heads are scored and trained on side by side, each thread a contiguous range of heads
    /// (heads share no weights). 0 (the default) is automatic: one per core, at most one per head, where Adam trains
    /// the proxy on the CPU; 1 elsewhere, since libtorch's optimizers and a GPU step all heads at once. A value above
    /// 1 needs Adam on the CPU.
    /// </summary>
    [Range(0, 64)] public int Heads { get; set; }
}
