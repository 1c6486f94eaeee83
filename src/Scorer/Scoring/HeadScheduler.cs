using System.Runtime.ExceptionServices;
using EasyHard.Scorer.Proxy;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The ensemble's heads in ranges, each scored and trained on a thread of its own: the first range on the calling
/// thread, each other one on its <see cref="HeadThread"/>. One core multiplies for heads 0..k while another does the
/// rest, with one hand-over for the scoring pass and one for the training of a batch (heads share no weights).
/// </summary>
internal sealed class HeadScheduler : IDisposable
{
    private readonly HeadRange[] ranges;
    private readonly HeadThread[] threads;

    /// <param name="heads">The ensemble's size.</param>
    /// <param name="parts">Ranges wanted (<see cref="ScorerThreadOptions.Heads"/> resolved); at most one per head.</param>
    /// <param name="torchThreads">libtorch threads per head thread, set once on each (libtorch keeps it per thread).</param>
    public HeadScheduler(int heads, int parts, int torchThreads)
    {
        ranges = HeadRange.Split(heads, parts);
        threads = [.. ranges.Skip(1).Select(range => new HeadThread($"EasyHard heads {range.Start}-{range.End - 1}", () => set_num_threads(torchThreads)))];
    }

    /// <summary>
    /// The head threads and the libtorch threads per thread that <paramref name="options"/> give a proxy on the CPU
    /// (<paramref name="onCpu"/>) or on a GPU, with the calling thread's libtorch threads set to match. Throws
    /// <see cref="InvalidOperationException"/> when <c>Scorer:Threads:Heads</c> asks for threads the optimizer on that
    /// device cannot use: the options' validator cannot tell where <c>Scorer:Device</c> is auto, which resolves only in
    /// the engine.
    /// </summary>
    public static (int HeadThreads, int TorchThreads) ResolveThreads(ScorerOptions options, bool onCpu)
    {
        if (options.HeadThreadsConflict(onCpu) is { } conflict)
        {
            throw new InvalidOperationException(conflict);
        }

        int headThreads = options.ResolvedHeadThreads(onCpu);
        int torchThreads = options.ResolvedThreads(headThreads);
        if (onCpu && get_num_threads() != torchThreads)
        {
            // Every op of a micro-batch of 256 is small, and each parallel region first waits for all its threads to be
            // scheduled: on two cores shared with the host side, more threads per op cost more than they save.
            set_num_threads(torchThreads);
        }

        return (headThreads, torchThreads);
    }

    /// <summary>The heads' ranges: range 0 runs on the calling thread, range r ≥ 1 on a head thread.</summary>
    public IReadOnlyList<HeadRange> Ranges => ranges;

    /// <summary>Posts <paramref name="work"/>(r) to the thread of every head range r ≥ 1.</summary>
    public void OnHeadThreads(Action<int> work)
    {
        for (int r = 1; r < ranges.Length; r++)
        {
            int range = r;
            threads[r - 1].Post(() => work(range));
        }
    }

    /// <summary>Waits for every head thread's item, then rethrows the first failure among them.</summary>
    public void JoinHeadThreads()
    {
        ExceptionDispatchInfo? first = null;
        foreach (var thread in threads)
        {
            try
            {
                thread.Wait();
            }
            catch (Exception ex) when (first is null)
            {
                first = ExceptionDispatchInfo.Capture(ex);
            }
        }

        first?.Throw();
    }

    /// <summary>
    /// A batch that failed before its training left tensors in the head threads' scopes (<paramref name="scopes"/>[r]
    /// of range r): they are released there (the scopes are per thread), after whatever those threads were still running.
    /// </summary>
    public void ReleaseHeadScopes(DisposeScope?[] scopes)
    {
        try
        {
            JoinHeadThreads();
        }
        finally
        {
            if (scopes.Any(s => s is not null))
            {
                OnHeadThreads(r =>
                {
                    scopes[r]?.Dispose();
                    scopes[r] = null;
                });
                JoinHeadThreads();
            }
        }
    }

    public void Dispose()
    {
        foreach (var thread in threads)
        {
            thread.Dispose();
        }
    }
}
