using Confluent.Kafka;
using EasyHard.Core.Embedded;
using EasyHard.Core.Hosting.Delivery;

namespace EasyHard.Host.Producing;

/// <summary>
/// How many records of the input topic EasyHard's ingest has committed, followed live from the offset journal it keeps
/// on a mock cluster (the mock does not store transactional offsets, so the journal is their only record) and, for
/// at-least-once delivery, from the group's committed offsets. Lets a producer keep its backlog within the mock's
/// retention instead of having unread input deleted.
/// </summary>
public sealed class IngestProgress : IDisposable
{
    private static readonly TimeSpan GroupOffsetsEvery = TimeSpan.FromSeconds(1);

    private readonly IConsumer<byte[], byte[]> _reader;
    private readonly IConsumer<byte[], byte[]> _groupOffsets;
    private readonly string _group;
    private readonly string _topic;
    private readonly Dictionary<int, long> _positions = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _tail;
    private long _committed;

    public IngestProgress(string bootstrapServers, IEnumerable<KeyValuePair<string, string>>? settings, string journalTopic, string group, string topic)
    {
        _group = group;
        _topic = topic;
        var config = new ConsumerConfig(new Dictionary<string, string>(settings ?? []))
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"easyhard-produce-progress-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        _reader = new ConsumerBuilder<byte[], byte[]>(config).Build();
        // Never subscribes, so it never joins ingest's group: it only fetches the offsets the group committed.
        _groupOffsets = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig(new Dictionary<string, string>(settings ?? []))
        {
            BootstrapServers = bootstrapServers,
            GroupId = group,
            EnableAutoCommit = false,
        }).Build();
        using (var admin = new DependentAdminClientBuilder(_reader.Handle).Build())
        {
            var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
            Partitions = metadata.Topics.FirstOrDefault(t => t.Topic == topic)?.Partitions.Count ?? 0;
            _reader.Assign(metadata.Topics.Where(t => t.Topic == journalTopic).SelectMany(t => t.Partitions)
                .Select(p => new TopicPartitionOffset(journalTopic, p.PartitionId, Offset.Beginning)));
        }

        Existing = Enumerable.Range(0, Partitions)
            .Sum(p => _reader.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
        _tail = Task.Factory.StartNew(Tail, TaskCreationOptions.LongRunning);
    }

    /// <summary>Partitions of the input topic.</summary>
    public int Partitions { get; }

    /// <summary>Records on the input topic before this producer started (read or not).</summary>
    public long Existing { get; }

    /// <summary>Records of the input topic ingest has committed: the sum of its journal positions.</summary>
    public long Committed => Interlocked.Read(ref _committed);

    private void Tail()
    {
        var partitions = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(_topic, p)).ToList();
        var nextGroupOffsets = DateTime.UtcNow;
        while (!_stop.IsCancellationRequested)
        {
            var record = _reader.Consume(TimeSpan.FromMilliseconds(100));
            if (record?.Message is not null
                && OffsetJournal.TryParse(_group, record.Message.Key, record.Message.Value, out var partition, out var offset)
                && partition.Topic == _topic)
            {
                Advance(partition.Partition.Value, offset);
            }

            if (DateTime.UtcNow >= nextGroupOffsets)
            {
                nextGroupOffsets = DateTime.UtcNow + GroupOffsetsEvery;
                AdvanceToGroupOffsets(partitions);
            }
        }
    }

    private void AdvanceToGroupOffsets(List<TopicPartition> partitions)
    {
        try
        {
            foreach (var committed in _groupOffsets.Committed(partitions, GroupOffsetsEvery))
            {
                if (committed.Offset.Value >= 0)
                {
                    Advance(committed.Partition.Value, committed.Offset.Value);
                }
            }
        }
        catch (KafkaException)
        {
            // Asked again within a second; the journal keeps counting meanwhile.
        }
    }

    private void Advance(int partition, long offset)
    {
        if (!_positions.TryGetValue(partition, out var known) || offset > known)
        {
            _positions[partition] = offset;
            Interlocked.Exchange(ref _committed, _positions.Values.Sum());
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _tail.Wait();
        _reader.Close();
        _reader.Dispose();
        _groupOffsets.Dispose();
        _stop.Dispose();
    }
}
