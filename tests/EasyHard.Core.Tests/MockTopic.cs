using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.Options;

namespace EasyHard.Core.Tests;

/// <summary>A topic of its own on a one-broker mock cluster, a connection to it, and a plain producer of numbered records.</summary>
internal sealed class MockTopic : IDisposable
{
    private readonly EmbeddedKafkaCluster _cluster = new(brokers: 1);

    public MockTopic(string prefix, int partitions = 1, Action<KafkaOptions>? configure = null)
    {
        Name = $"{prefix}-{Guid.NewGuid():N}";
        Partitions = partitions;
        _cluster.CreateTopics([Name], partitions);
        var options = new KafkaOptions { BootstrapServers = _cluster.BootstrapServers };
        configure?.Invoke(options);
        Connection = new KafkaConnection(Options.Create(options), Options.Create(new TopicOptions()));
    }

    public string Name { get; }

    public int Partitions { get; }

    public KafkaConnection Connection { get; }

    /// <summary>Records numbered <paramref name="first"/> onwards, <paramref name="count"/> to each partition.</summary>
    public void Produce(int first, int count)
    {
        using var producer = Connection.CreateProducer($"{Name}-producer");
        for (var partition = 0; partition < Partitions; partition++)
        {
            for (var i = first; i < first + count; i++)
            {
                producer.Produce(new TopicPartition(Name, partition), new Message<byte[], byte[]> { Value = BitConverter.GetBytes(i) });
            }
        }

        producer.Flush(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        Connection.Dispose();
        _cluster.Dispose();
    }
}
