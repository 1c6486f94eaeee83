using System.Text;
using Confluent.Kafka;
using EasyHard.Bench.Common;

namespace EasyHard.IntegrationTests.Infrastructure;

/// <summary>
/// Where each partition of some topics stands, for the report of a scenario that timed out: the high watermark
/// next to the end a <c>read_committed</c> reader reaches. A gap means a transaction still open on that partition,
/// holding every <c>read_committed</c> consumer back (the last stable offset).
/// </summary>
public static class PartitionStates
{
    /// <summary>One partition: its high watermark and the end a read_committed reader reached (null: not within the deadline).</summary>
    public sealed record State(string Topic, int Partition, long HighWatermark, long? CommittedEnd)
    {
        /// <summary>Records of a transaction still open on this partition (all of them when the end was not reached).</summary>
        public long Uncommitted => HighWatermark - (CommittedEnd ?? 0);

        public override string ToString() => CommittedEnd switch
        {
            null => $"p{Partition} {HighWatermark} (read_committed end not reached)",
            var end when end == HighWatermark => $"p{Partition} {HighWatermark}",
            var end => $"p{Partition} {HighWatermark} (read_committed end {end}: an open transaction, or records arriving while read)",
        };
    }

    public static string Describe(string bootstrapServers, IEnumerable<string> topics, TimeSpan deadline)
    {
        var text = new StringBuilder();
        foreach (var topic in topics)
        {
            try
            {
                text.AppendLine($"{topic}: {string.Join(", ", Read(bootstrapServers, topic, deadline))}");
            }
            catch (KafkaException e)
            {
                text.AppendLine($"{topic}: {e.Error.Reason}");
            }
        }

        return text.ToString();
    }

    public static IReadOnlyList<State> Read(string bootstrapServers, string topic, TimeSpan deadline)
    {
        var (consumer, partitions) = TopicReader.AssignFromBeginning(bootstrapServers, topic);
        using var owned = consumer;
        var highWatermarks = partitions.ToDictionary(p => p.Partition.Value,
            p => consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(5)).High.Value);

        var committedEnds = new Dictionary<int, long>();
        var stop = DateTime.UtcNow + deadline;
        while (committedEnds.Count < partitions.Count && DateTime.UtcNow < stop)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is { IsPartitionEOF: true })
            {
                committedEnds.TryAdd(result.Partition.Value, result.Offset.Value);
            }
        }

        consumer.Close();
        return partitions.Select(p => new State(topic, p.Partition.Value, highWatermarks[p.Partition.Value],
            committedEnds.TryGetValue(p.Partition.Value, out var end) ? end : null)).ToList();
    }
}
