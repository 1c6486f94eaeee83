using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace EasyHard.Core.Kafka;

/// <summary>Creates topics idempotently.</summary>
public static class KafkaTopics
{
    public static async Task EnsureAsync(IAdminClient admin, IEnumerable<string> topics, int partitions, short replicationFactor)
    {
        var existing = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics
            .Where(t => t.Error.Code == ErrorCode.NoError)
            .Select(t => t.Topic)
            .ToHashSet(StringComparer.Ordinal);
        var specs = topics.Distinct(StringComparer.Ordinal)
            .Where(t => !existing.Contains(t))
            .Select(t => new TopicSpecification { Name = t, NumPartitions = partitions, ReplicationFactor = replicationFactor })
            .ToList();
        if (specs.Count == 0)
        {
            return;
        }

        try
        {
            await admin.CreateTopicsAsync(specs);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Another instance created them first.
        }
    }
}
