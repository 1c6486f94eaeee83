using Confluent.Kafka;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Core.Tests.Loop;

/// <summary>
/// A consumer that plays a script: records, and gaps during which nothing arrives. Time is a
/// <see cref="FakeTimeProvider"/> that each poll advances by what it waited, so batching deadlines run without sleeping.
/// Paused partitions return nothing, as librdkafka's do. <see cref="BeforePoll"/> runs at the start of every poll, where
/// librdkafka would run a rebalance callback. Once the script is played and <see cref="Done"/> holds, it cancels
/// <see cref="Stopping"/>.
/// </summary>
internal sealed class ScriptedConsumer(FakeTimeProvider time, params TopicPartition[] assignment) : IConsumer<byte[], byte[]>
{
    private readonly LinkedList<object> _script = new();
    private readonly HashSet<TopicPartition> _paused = [];
    private readonly List<TopicPartition> _assignment = [.. assignment];
    private readonly Dictionary<TopicPartition, long> _next = [];

    public CancellationTokenSource Stopping { get; } = new();

    /// <summary>Runs at the start of every poll with the poll's number (1, 2, ...).</summary>
    public Action<int>? BeforePoll { get; set; }

    /// <summary>When the run may stop once the script is played (e.g. every batch committed).</summary>
    public Func<bool> Done { get; set; } = () => true;

    public int Polls { get; private set; }

    public int PauseCalls { get; private set; }

    public int ResumeCalls { get; private set; }

    /// <summary>Appends <paramref name="count"/> records to <paramref name="partition"/>'s part of the script.</summary>
    public ScriptedConsumer Records(TopicPartition partition, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var offset = _next.GetValueOrDefault(partition);
            _next[partition] = offset + 1;
            _script.AddLast(new ConsumeResult<byte[], byte[]>
            {
                TopicPartitionOffset = new TopicPartitionOffset(partition, offset),
                Message = new Message<byte[], byte[]> { Key = [], Value = [(byte)offset] },
            });
        }

        return this;
    }

    /// <summary>Appends a stretch of <paramref name="quiet"/> during which no record arrives.</summary>
    public ScriptedConsumer Gap(TimeSpan quiet)
    {
        _script.AddLast(quiet);
        return this;
    }

    public ConsumeResult<byte[], byte[]>? Consume(TimeSpan timeout)
    {
        BeforePoll?.Invoke(++Polls);
        var waited = TimeSpan.Zero;
        while (_script.First is { } next)
        {
            if (next.Value is TimeSpan gap)
            {
                var step = gap < timeout - waited ? gap : timeout - waited;
                time.Advance(step);
                waited += step;
                if (step == gap)
                {
                    _script.RemoveFirst();
                    continue;
                }

                next.Value = gap - step;
                return null;
            }

            var record = (ConsumeResult<byte[], byte[]>)next.Value;
            if (_paused.Contains(record.TopicPartition) || !_assignment.Contains(record.TopicPartition))
            {
                break;
            }

            _script.RemoveFirst();
            return record;
        }

        time.Advance(timeout - waited);
        if (_script.Count == 0 && Done())
        {
            Stopping.Cancel();
        }

        return null;
    }

    /// <summary>Takes partitions away, as a rebalance does (their records still in the script are dropped).</summary>
    public void Revoke(params TopicPartition[] partitions)
    {
        foreach (var partition in partitions)
        {
            _assignment.Remove(partition);
            _paused.Remove(partition);
            for (var node = _script.First; node is not null;)
            {
                var following = node.Next;
                if (node.Value is ConsumeResult<byte[], byte[]> r && r.TopicPartition == partition)
                {
                    _script.Remove(node);
                }

                node = following;
            }
        }
    }

    public List<TopicPartition> Assignment => [.. _assignment];

    public void Pause(IEnumerable<TopicPartition> partitions)
    {
        PauseCalls++;
        _paused.UnionWith(partitions);
    }

    public void Resume(IEnumerable<TopicPartition> partitions)
    {
        ResumeCalls++;
        _paused.ExceptWith(partitions);
    }

    public WatermarkOffsets GetWatermarkOffsets(TopicPartition topicPartition) => new(0, _next.GetValueOrDefault(topicPartition));

    public WatermarkOffsets QueryWatermarkOffsets(TopicPartition topicPartition, TimeSpan timeout) => GetWatermarkOffsets(topicPartition);

    public void Seek(TopicPartitionOffset tpo) => throw new NotSupportedException("the script never hands out a record to put back");

    public void Dispose() => Stopping.Dispose();

    public ConsumeResult<byte[], byte[]> Consume(int millisecondsTimeout) => Consume(TimeSpan.FromMilliseconds(millisecondsTimeout))!;

    public ConsumeResult<byte[], byte[]> Consume(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public string MemberId => "scripted";

    public List<string> Subscription => [];

    public IConsumerGroupMetadata ConsumerGroupMetadata => throw new NotSupportedException();

    public Handle Handle => throw new NotSupportedException();

    public string Name => "scripted";

    public int AddBrokers(string brokers) => throw new NotSupportedException();

    public void SetSaslCredentials(string username, string password) => throw new NotSupportedException();

    public void Subscribe(IEnumerable<string> topics) => throw new NotSupportedException();

    public void Subscribe(string topic) => throw new NotSupportedException();

    public void Unsubscribe() => throw new NotSupportedException();

    public void Assign(TopicPartition partition) => throw new NotSupportedException();

    public void Assign(TopicPartitionOffset partition) => throw new NotSupportedException();

    public void Assign(IEnumerable<TopicPartitionOffset> partitions) => throw new NotSupportedException();

    public void Assign(IEnumerable<TopicPartition> partitions) => throw new NotSupportedException();

    public void IncrementalAssign(IEnumerable<TopicPartitionOffset> partitions) => throw new NotSupportedException();

    public void IncrementalAssign(IEnumerable<TopicPartition> partitions) => throw new NotSupportedException();

    public void IncrementalUnassign(IEnumerable<TopicPartition> partitions) => throw new NotSupportedException();

    public void Unassign() => throw new NotSupportedException();

    public void StoreOffset(ConsumeResult<byte[], byte[]> result) => throw new NotSupportedException();

    public void StoreOffset(TopicPartitionOffset offset) => throw new NotSupportedException();

    public List<TopicPartitionOffset> Commit() => throw new NotSupportedException();

    public void Commit(IEnumerable<TopicPartitionOffset> offsets) => throw new NotSupportedException();

    public void Commit(ConsumeResult<byte[], byte[]> result) => throw new NotSupportedException();

    public List<TopicPartitionOffset> Committed(TimeSpan timeout) => throw new NotSupportedException();

    public List<TopicPartitionOffset> Committed(IEnumerable<TopicPartition> partitions, TimeSpan timeout) => throw new NotSupportedException();

    public Offset Position(TopicPartition partition) => throw new NotSupportedException();

    public List<TopicPartitionOffset> OffsetsForTimes(IEnumerable<TopicPartitionTimestamp> timestampsToSearch, TimeSpan timeout) => throw new NotSupportedException();

    public void Close()
    {
    }
}
