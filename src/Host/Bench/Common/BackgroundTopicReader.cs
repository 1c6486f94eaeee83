using Confluent.Kafka;

namespace EasyHard.Host.Bench.Common;

/// <summary>
/// A read_committed consumer that reads every partition of some topics from the beginning on its own thread and hands
/// each record to <c>onRecord</c>, as a trainer's reader would. A fetch that fails (a broker down, an injected error)
/// is retried by the consumer itself; only a fatal error ends the reader, and <see cref="ThrowIfFailed"/> says so.
/// </summary>
public sealed class BackgroundTopicReader : IDisposable
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly Action<ConsumeResult<byte[], byte[]>> _onRecord;
    private readonly string _name;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private Exception? _failure;

    /// <param name="fetchWaitMaxMs">
    /// librdkafka's mock cluster answers a fetch that finds no data only after the full fetch.wait.max.ms (default
    /// 500 ms) and does not cut the wait short when data arrives, so a reader that measures latency asks for little.
    /// </param>
    public BackgroundTopicReader(string name, string bootstrapServers, IEnumerable<TopicPartition> partitions, int fetchWaitMaxMs,
        string consumeResultFields, Action<ConsumeResult<byte[], byte[]>> onRecord)
    {
        _name = name;
        _onRecord = onRecord;
        _consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"easyhard-{name}-{Guid.NewGuid():N}",
            ClientId = $"easyhard-{name}",
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            ConsumeResultFields = consumeResultFields,
            FetchWaitMaxMs = fetchWaitMaxMs,
        }).Build();
        _consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        _thread = new Thread(Read) { IsBackground = true, Name = name };
        _thread.Start();
    }

    /// <summary>Every partition of <paramref name="topics"/>, each with <paramref name="partitions"/> partitions.</summary>
    public static List<TopicPartition> PartitionsOf(IEnumerable<string> topics, int partitions) =>
        [.. topics.SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartition(t, p)))];

    /// <summary>Where the reader is on <paramref name="partition"/>, and that partition's high watermark.</summary>
    public (long Position, long High) Progress(TopicPartition partition) =>
        (_consumer.Position(partition).Value, _consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).High.Value);

    /// <summary>Throws what stopped the reader, if anything did.</summary>
    public void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new InvalidOperationException($"The {_name} failed: {failure.Message}", failure);
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
                    continue;
                }

                if (result?.Message is null || result.IsPartitionEOF)
                {
                    continue;
                }

                _onRecord(result);
            }
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException)
        {
            Volatile.Write(ref _failure, e);
        }
    }
}
