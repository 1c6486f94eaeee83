using Confluent.Kafka;
using EasyHard.Core.Hosting.Retention;
using EasyHard.Core.Kafka;

namespace EasyHard.Bench.Common;

/// <summary>
/// A read_committed consumer that reads every partition of some topics from the beginning on its own thread and hands
/// each record to <c>onRecord</c>, as a trainer's reader would. A fetch that fails (a broker down, an injected error)
/// is retried by the consumer itself; only a fatal error ends the reader, and <see cref="ThrowIfFailed"/> says so.
/// <para>
/// Like the role consumers it reads with <c>auto.offset.reset=error</c>: when the broker deleted records before the
/// reader got to them (the mock cluster keeps about 5 MiB per partition), librdkafka reports the position instead of
/// moving past the gap silently. The reader counts the deleted offsets per partition (<see cref="LostToRetention"/>),
/// tells <c>onLost</c>, and goes on from the earliest record still there.
/// </para>
/// </summary>
public sealed class BackgroundTopicReader : IDisposable
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly Action<ConsumeResult<byte[], byte[]>> _onRecord;
    private readonly string _name;
    private readonly Action<TopicPartition, RetentionGap>? _onLost;
    private readonly Dictionary<TopicPartition, long> _lost = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private Exception? _failure;

    /// <param name="fetchWaitMaxMs">
    /// librdkafka's mock cluster answers a fetch that finds no data only after the full fetch.wait.max.ms (default
    /// 500 ms) and does not cut the wait short when data arrives, so a reader that measures latency asks for little.
    /// </param>
    public BackgroundTopicReader(string name, string bootstrapServers, IEnumerable<TopicPartition> partitions, int fetchWaitMaxMs,
        string consumeResultFields, Action<ConsumeResult<byte[], byte[]>> onRecord, Action<TopicPartition, RetentionGap>? onLost = null)
    {
        _name = name;
        _onRecord = onRecord;
        _onLost = onLost;
        _consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"easyhard-{name}-{Guid.NewGuid():N}",
            ClientId = $"easyhard-{name}",
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Error,
            ConsumeResultFields = consumeResultFields,
            FetchWaitMaxMs = fetchWaitMaxMs,
            // As the role consumers do on the mock cluster: a request the mock leaves unanswered after a broker outage
            // is given up after 10 s, not librdkafka's 60 s, during which the reader's partitions on that broker stand
            // still while the pipeline writes on (and the mock's retention may delete what was not read yet).
            SocketTimeoutMs = KafkaConnection.MockSocketTimeoutMs,
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

    /// <summary>Offsets per partition that the broker deleted before the reader read them (commit markers included).</summary>
    public IReadOnlyDictionary<TopicPartition, long> LostToRetention
    {
        get
        {
            lock (_lost)
            {
                return new Dictionary<TopicPartition, long>(_lost);
            }
        }
    }

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
                catch (ConsumeException e) when (RetentionLossRecovery.Handles(e))
                {
                    Skip(e.ConsumerRecord.TopicPartitionOffset);
                    continue;
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

    /// <summary>
    /// A position the broker could not serve: counts what retention deleted and restarts the partition at its earliest
    /// record. Watermarks that cannot be read now leave the partition at the same position, which fails again.
    /// </summary>
    private void Skip(TopicPartitionOffset at)
    {
        var resume = at;
        if (at.Offset.Value < 0)
        {
            resume = new TopicPartitionOffset(at.TopicPartition, Offset.Beginning);
        }
        else if (RetentionLossRecovery.TryMeasure(_consumer, at) is { } gap)
        {
            if (gap.Lost > 0)
            {
                lock (_lost)
                {
                    _lost[at.TopicPartition] = _lost.GetValueOrDefault(at.TopicPartition) + gap.Lost;
                }

                _onLost?.Invoke(at.TopicPartition, gap);
            }

            resume = new TopicPartitionOffset(at.TopicPartition, gap.ResumeAt);
        }

        RetentionLossRecovery.Restart(_consumer, resume);
    }
}
