using Confluent.Kafka;

namespace EasyHard.Bench.Common;

/// <summary>
/// Reads every committed record of a topic (read_committed), stopping at the high watermarks: how a verifier sees
/// what a pipeline left on its topics once it is quiet.
/// </summary>
public static class TopicReader
{
    public static List<ConsumeResult<byte[], byte[]>> ReadAll(string bootstrapServers, string topic, TimeSpan deadline)
    {
        var (consumer, partitions) = AssignFromBeginning(bootstrapServers, topic);
        using var owned = consumer;
        var atEnd = new HashSet<int>();
        var records = new List<ConsumeResult<byte[], byte[]>>();
        var stop = DateTime.UtcNow + deadline;
        while (atEnd.Count < partitions.Count && DateTime.UtcNow < stop)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }

            atEnd.Remove(result.Partition.Value);
            records.Add(result);
        }

        consumer.Close();
        return records;
    }

    /// <summary>A read_committed consumer (reporting partition ends) assigned to every partition of the topic from its beginning.</summary>
    public static (IConsumer<byte[], byte[]> Consumer, List<TopicPartition> Partitions) AssignFromBeginning(string bootstrapServers, string topic)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"reader-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnablePartitionEof = true,
        };
        var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions
            .Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
        consumer.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        return (consumer, partitions);
    }
}
