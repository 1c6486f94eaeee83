using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace EasyHard.Bench.Common;

/// <summary>
/// What a trainer does: reads the output topics (read_committed, from the beginning of every partition) on its own
/// thread and reports every record's arrival to the current <see cref="ArrivalTracker"/>. The measuring consumer
/// must not add latency of its own, so it asks the mock cluster for 5 ms fetch waits (see <see cref="BackgroundTopicReader"/>).
/// </summary>
public sealed class TrainerStreamReader : IDisposable
{
    private readonly BackgroundTopicReader _reader;
    private readonly Dictionary<string, StrongBox<long>> _records;
    private ArrivalTracker _tracker;

    /// <param name="countPerTopic">
    /// Count the records of each topic (<see cref="RecordsOn"/>); off by default, since it needs each record's topic
    /// name, which librdkafka then marshals per record.
    /// </param>
    public TrainerStreamReader(string bootstrapServers, IEnumerable<string> topics, int partitions, ArrivalTracker tracker, bool countPerTopic = false)
    {
        _tracker = tracker;
        var names = topics.ToList();
        _records = names.Distinct().ToDictionary(t => t, _ => new StrongBox<long>(), StringComparer.Ordinal);
        _reader = new BackgroundTopicReader("bench-reader", bootstrapServers, BackgroundTopicReader.PartitionsOf(names, partitions),
            fetchWaitMaxMs: 5, consumeResultFields: countPerTopic ? "topic" : "none",
            record =>
            {
                Volatile.Read(ref _tracker).MarkArrived(SampleKeys.IndexOf(record.Message.Key), Stopwatch.GetTimestamp());
                if (countPerTopic)
                {
                    Interlocked.Increment(ref _records[record.Topic].Value);
                }
            },
            (_, gap) => Volatile.Read(ref _tracker).MarkLost(gap.Lost));
    }

    /// <summary>Records read so far from <paramref name="topic"/> (one of the topics it reads), when counted per topic.</summary>
    public long RecordsOn(string topic) => Interlocked.Read(ref _records[topic].Value);

    /// <summary>Arrivals from now on go to <paramref name="tracker"/> (the next phase of a benchmark).</summary>
    public void Track(ArrivalTracker tracker) => Volatile.Write(ref _tracker, tracker);

    /// <summary>Throws what stopped the reader, if anything did.</summary>
    public void ThrowIfFailed() => _reader.ThrowIfFailed();

    public void Dispose() => _reader.Dispose();
}
