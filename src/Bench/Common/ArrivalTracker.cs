using System.Diagnostics;

namespace EasyHard.Bench.Common;

/// <summary>
/// Pairs what a benchmark producer sent with what arrived at the end of the pipeline, by the sample index carried
/// in the record key: counts (sent, arrived, duplicates, unknown) and the latency of every arrival, from the instant
/// the producer stamped on the record to the instant a consumer read it. Indexes live in a ring of
/// <c>capacity</c> slots, which must exceed the records in flight. One producer thread and one reader thread.
/// </summary>
public sealed class ArrivalTracker
{
    private readonly long[] _sentTicks;
    private readonly long[] _slotIndex;
    private readonly Lock _gate = new();
    private List<double> _latenciesMs = [];
    private long _sent;
    private long _arrived;
    private long _duplicates;
    private long _unknown;
    private long _lost;
    private long _firstSentTicks;
    private long _lastArrivalTicks;

    public ArrivalTracker(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _sentTicks = new long[capacity];
        _slotIndex = new long[capacity];
        Array.Fill(_slotIndex, -1);
    }

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Distinct sent indexes that arrived.</summary>
    public long Arrived => Interlocked.Read(ref _arrived);

    /// <summary>Arrivals of an index that had already arrived (at-least-once redelivery).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Arrivals whose key names no index sent through this tracker.</summary>
    public long Unknown => Interlocked.Read(ref _unknown);

    /// <summary>Offsets the broker deleted before the reader read them (<see cref="MarkLost"/>).</summary>
    public long Lost => Interlocked.Read(ref _lost);

    public long InFlight => Math.Max(0, Sent - Arrived - Interlocked.Read(ref _lost));

    /// <summary>
    /// Reader side: the broker deleted <paramref name="offsets"/> offsets before the reader read them (retention), so
    /// as many samples at most will never arrive and no longer count as in flight.
    /// </summary>
    public void MarkLost(long offsets) => Interlocked.Add(ref _lost, offsets);

    /// <summary>Stopwatch ticks of the first send and of the latest arrival (0 before either).</summary>
    public (long FirstSent, long LastArrival) Span => (Interlocked.Read(ref _firstSentTicks), Interlocked.Read(ref _lastArrivalTicks));

    /// <summary>Seconds from the first send to the latest arrival.</summary>
    public double ElapsedSeconds
    {
        get
        {
            var (first, last) = Span;
            return first == 0 || last < first ? 0 : Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        }
    }

    /// <summary>Producer side: index was stamped at <paramref name="ticks"/> and is about to be produced.</summary>
    public void MarkSent(long index, long ticks)
    {
        var slot = (int)(index % _sentTicks.Length);
        Volatile.Write(ref _sentTicks[slot], ticks);
        Volatile.Write(ref _slotIndex[slot], index);
        Interlocked.CompareExchange(ref _firstSentTicks, ticks, 0);
        Interlocked.Increment(ref _sent);
    }

    /// <summary>Reader side: index was read at <paramref name="ticks"/>.</summary>
    public void MarkArrived(long index, long ticks)
    {
        if (index < 0)
        {
            Interlocked.Increment(ref _unknown);
            return;
        }

        var slot = (int)(index % _sentTicks.Length);
        var sent = Volatile.Read(ref _sentTicks[slot]);
        if (Volatile.Read(ref _slotIndex[slot]) != index)
        {
            Interlocked.Increment(ref _unknown);
            return;
        }

        if (sent == 0)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        Volatile.Write(ref _sentTicks[slot], 0);
        var latency = Stopwatch.GetElapsedTime(sent, ticks).TotalMilliseconds;
        lock (_gate)
        {
            _latenciesMs.Add(latency);
        }

        Interlocked.Exchange(ref _lastArrivalTicks, ticks);
        Interlocked.Increment(ref _arrived);
    }

    /// <summary>The latencies (ms) recorded since the last call, in arrival order.</summary>
    public List<double> TakeLatencies()
    {
        lock (_gate)
        {
            var taken = _latenciesMs;
            _latenciesMs = [];
            return taken;
        }
    }

    /// <summary>Waits until every sent index has arrived; false when nothing arrived for <paramref name="stall"/>.</summary>
    public async Task<bool> WaitForAllAsync(long expected, TimeSpan stall, CancellationToken cancellationToken)
    {
        var lastCount = Arrived;
        var lastProgress = Stopwatch.GetTimestamp();
        while (Arrived < expected)
        {
            await Task.Delay(20, cancellationToken);
            var now = Arrived;
            if (now != lastCount)
            {
                lastCount = now;
                lastProgress = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(lastProgress) > stall)
            {
                return false;
            }
        }

        return true;
    }
}
