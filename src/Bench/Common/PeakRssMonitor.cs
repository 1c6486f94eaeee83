namespace EasyHard.Bench.Common;

/// <summary>
/// Samples the resident set size on its own thread (every 100 ms by default) and keeps the peak since the last
/// <see cref="Reset"/>, so each phase of a benchmark gets its own peak (the kernel's VmHWM is per process lifetime).
/// </summary>
public sealed class PeakRssMonitor : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _peak;

    public PeakRssMonitor(TimeSpan? interval = null)
    {
        var period = interval ?? TimeSpan.FromMilliseconds(100);
        _peak = ProcessResources.ResidentBytes();
        _thread = new Thread(() =>
        {
            while (!_stop.Token.WaitHandle.WaitOne(period))
            {
                Observe();
            }
        })
        { IsBackground = true, Name = "bench-rss" };
        _thread.Start();
    }

    /// <summary>Peak RSS in bytes since construction or the last reset.</summary>
    public long Peak
    {
        get
        {
            Observe();
            return Interlocked.Read(ref _peak);
        }
    }

    /// <summary>Starts a new phase; returns the peak of the phase that ended.</summary>
    public long Reset()
    {
        var ended = Peak;
        Interlocked.Exchange(ref _peak, ProcessResources.ResidentBytes());
        return ended;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }

    private void Observe()
    {
        var now = ProcessResources.ResidentBytes();
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }
}
