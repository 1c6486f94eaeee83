using Confluent.Kafka;
using EasyHard.Core.Observability;
using Microsoft.Extensions.Logging;

namespace EasyHard.Core.Hosting;

/// <summary>
/// Notices an assigned partition that has records to read but has yielded none for a while, and assigns it again at
/// the position the role reached. Checked per partition, so one stalled partition is found while others flow. A
/// partition whose fetcher stopped (after broker outages and rebalances on the mock cluster) otherwise leaves its role
/// idle, ready and live with input behind it, a stall nothing else reports. The
/// role's own position is what it has read (or was told to start from), not librdkafka's, so a restart never moves it.
/// A transactional topic's last offset may be a commit or abort marker, which is never yielded: a partition counts as
/// stalled only with more than one offset past its position. Counted as
/// <c>easyhard_&lt;role&gt;_errors_total{kind="partition_stalled"}</c> and logged as a warning.
/// All calls come from the role's consume thread (its rebalance callbacks run there too).
/// </summary>
internal sealed partial class PartitionStallWatch(string role, PipelineMetrics metrics, TimeProvider time, ILogger logger)
{
    /// <summary>The error kind a stalled partition is counted as.</summary>
    public const string ErrorKind = "partition_stalled";

    /// <summary>How long a partition must have yielded nothing before it is checked, and the time between checks.</summary>
    public static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(5);

    private readonly Dictionary<TopicPartition, (long Next, long Since)> _next = [];
    private long _lastCheck = time.GetTimestamp();

    /// <summary>Partitions (re)started at these offsets; a logical offset leaves the position unknown until a record is read.</summary>
    public void Started(IEnumerable<TopicPartitionOffset> starts)
    {
        foreach (var start in starts)
        {
            if (start.Offset.Value >= 0)
            {
                _next[start.TopicPartition] = (start.Offset.Value, time.GetTimestamp());
            }
            else
            {
                _next.Remove(start.TopicPartition);
            }
        }
    }

    public void Revoked(IEnumerable<TopicPartition> partitions)
    {
        foreach (var partition in partitions)
        {
            _next.Remove(partition);
        }
    }

    /// <summary>The shell resumed its assignment after a back-off: time spent paused is not time a partition yielded nothing.</summary>
    public void Resumed()
    {
        var now = time.GetTimestamp();
        foreach (var partition in _next.Keys.ToList())
        {
            _next[partition] = (_next[partition].Next, now);
        }
    }

    /// <summary>A record the role took into a batch.</summary>
    public void Read(ConsumeResult<byte[], byte[]> record)
    {
        _next[record.TopicPartition] = (record.Offset.Value + 1, time.GetTimestamp());
    }

    /// <summary>
    /// Called between polls. Every <see cref="QuietFor"/>, asks the brokers for the high watermark of each partition
    /// that has yielded nothing for that long, and assigns again those that have records past the role's position.
    /// </summary>
    /// <param name="held">Partitions the shell keeps from reading on purpose (paused for a back-off, waiting for the journal).</param>
    public void Check(IConsumer<byte[], byte[]> consumer, Func<TopicPartition, bool> held)
    {
        if (time.GetElapsedTime(_lastCheck) < QuietFor || _next.Count == 0)
        {
            return;
        }

        _lastCheck = time.GetTimestamp();
        var assigned = consumer.Assignment.ToHashSet();
        List<TopicPartitionOffset> restart = [];
        foreach (var (partition, (next, since)) in _next)
        {
            var quiet = time.GetElapsedTime(since);
            if (quiet < QuietFor || !assigned.Contains(partition) || held(partition))
            {
                continue;
            }

            long high;
            try
            {
                high = consumer.QueryWatermarkOffsets(partition, WatermarkTimeout).High.Value;
            }
            catch (KafkaException e) when (!e.Error.IsFatal)
            {
                // Brokers unreachable: nothing can be told now; the next check asks again.
                break;
            }

            if (high > next + 1)
            {
                metrics.Errors(ErrorKind).Inc();
                LogStalled(role, partition.Topic, partition.Partition.Value, next, high, quiet.TotalSeconds);
                restart.Add(new TopicPartitionOffset(partition, next));
            }
        }

        if (restart.Count > 0)
        {
            Started(Reassignment.Restart(consumer, restart));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} {Topic} [{Partition}] has records to read (position {Position}, high watermark {High}) but the role has read nothing for {Seconds:F0} s: assigning it again at {Position}")]
    private partial void LogStalled(string role, string topic, int partition, long position, long high, double seconds);
}
