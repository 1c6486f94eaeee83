using System.Diagnostics;

namespace EasyHard.Host.Bench.Common;

/// <summary>
/// What a trainer does: reads the output topics (read_committed, from the beginning of every partition) on its own
/// thread and reports every record's arrival to the current <see cref="ArrivalTracker"/>. The measuring consumer
/// must not add latency of its own, so it asks the mock cluster for 5 ms fetch waits (see <see cref="BackgroundTopicReader"/>).
/// </summary>
public sealed class TrainerStreamReader : IDisposable
{
    private readonly BackgroundTopicReader _reader;
    private ArrivalTracker _tracker;

    public TrainerStreamReader(string bootstrapServers, IEnumerable<string> topics, int partitions, ArrivalTracker tracker)
    {
        _tracker = tracker;
        _reader = new BackgroundTopicReader("bench-reader", bootstrapServers, BackgroundTopicReader.PartitionsOf(topics, partitions),
            fetchWaitMaxMs: 5, consumeResultFields: "none",
            record => Volatile.Read(ref _tracker).MarkArrived(SampleKeys.IndexOf(record.Message.Key), Stopwatch.GetTimestamp()));
    }

    /// <summary>Arrivals from now on go to <paramref name="tracker"/> (the next phase of a benchmark).</summary>
    public void Track(ArrivalTracker tracker) => Volatile.Write(ref _tracker, tracker);

    /// <summary>Throws what stopped the reader, if anything did.</summary>
    public void ThrowIfFailed() => _reader.ThrowIfFailed();

    public void Dispose() => _reader.Dispose();
}
