using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;

namespace EasyHard.Core.Tests;

public sealed class DeadLettersTests
{
    [Fact]
    public void Create_KeepsOriginalBytesAndKey_AndNamesReasonAndSource()
    {
        var original = new byte[] { 0xFF, 0x00, 0x7B };
        var source = new ConsumeResult<byte[], byte[]>
        {
            Topic = "training-samples",
            Partition = new Partition(3),
            Offset = new Offset(42),
            Message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes("k-1"), Value = original },
        };

        var letter = DeadLetters.Create("easyhard.dlq", source, "label_out_of_range", "label 12 is not in [0, 10)");

        Assert.Equal("easyhard.dlq", letter.Topic);
        Assert.Equal(original, letter.Value);
        Assert.Equal("k-1", Encoding.UTF8.GetString(letter.Key!));
        string Header(string name) => Encoding.UTF8.GetString(letter.Headers!.GetLastBytes(name));
        Assert.Equal("label 12 is not in [0, 10)", Header(HeaderNames.Error));
        Assert.Equal("label_out_of_range", Header(HeaderNames.ErrorReason));
        Assert.Equal("training-samples", Header(HeaderNames.SourceTopic));
        Assert.Equal("3", Header(HeaderNames.SourcePartition));
        Assert.Equal("42", Header(HeaderNames.SourceOffset));
    }

    [Fact]
    public void EmbeddedCluster_CreatesTopics_AndServesBootstrapAddress()
    {
        using var cluster = new EmbeddedKafkaCluster(brokers: 1);
        cluster.CreateTopics(["a-topic"], partitions: 3);
        cluster.CreateTopics(["a-topic"], partitions: 3);

        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "g" }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var metadata = admin.GetMetadata("a-topic", TimeSpan.FromSeconds(10));

        Assert.StartsWith("127.0.0.1:", cluster.BootstrapServers, StringComparison.Ordinal);
        Assert.Equal(3, metadata.Topics.Single().Partitions.Count);
    }
}
