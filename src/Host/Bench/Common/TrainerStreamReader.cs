using System.Diagnostics;
using Confluent.Kafka;

namespace EasyHard.Host.Bench.Common;

/// <summary>
/// What a trainer does: reads the output topics (read_committed, from the beginning of every partition) on its own
/// thread and reports every record's arrival to the current <see cref="ArrivalTracker"/>. The measuring consumer
/// must not add latency of its own: librdkafka's mock cluster answers a fetch that finds no data only after the full
/// fetch.wait.max.ms (default 500 ms) and does not cut the wait short when data arrives, so this reader asks for 5 ms.
/// </summary>
public sealed class TrainerStreamReader : IDisposable
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private ArrivalTracker _tracker;
    private Exception? _failure;

    public TrainerStreamReader(string bootstrapServers, IEnumerable<string> topics, int partitions, ArrivalTracker tracker)
    {
        _tracker = tracker;
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"easyhard-bench-reader-{Guid.NewGuid():N}",
            ClientId = "easyhard-bench-reader",
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            ConsumeResultFields = "none",
            FetchWaitMaxMs = 5,
        };
        _consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        _consumer.Assign(topics.SelectMany(t => Enumerable.Range(0, partitions)
            .Select(p => new TopicPartitionOffset(t, p, Offset.Beginning))));
        _thread = new Thread(Read) { IsBackground = true, Name = "bench-reader" };
        _thread.Start();
    }

    /// <summary>Arrivals from now on go to <paramref name="tracker"/> (the next phase of a benchmark).</summary>
    public void Track(ArrivalTracker tracker) => Volatile.Write(ref _tracker, tracker);

    /// <summary>Throws what stopped the reader, if anything did.</summary>
    public void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new InvalidOperationException("The trainer-stream reader failed: " + failure.Message, failure);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Read()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                ConsumeResult<byte[], byte[]>? result;
                try
                {
                    result = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    // A fetch that failed (a broker down, an injected error): the consumer retries it by itself, as a
                    // trainer's would; only a fatal error ends the reader.
                    continue;
                }

                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }

                var now = Stopwatch.GetTimestamp();
                Volatile.Read(ref _tracker).MarkArrived(SampleKeys.IndexOf(result.Message.Key), now);
            }
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException)
        {
            Volatile.Write(ref _failure, e);
        }
    }
}
