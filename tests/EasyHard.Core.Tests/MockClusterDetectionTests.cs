using EasyHard.Core.Configuration;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.Options;

namespace EasyHard.Core.Tests;

/// <summary>The mock cluster is told from Kafka by its cluster id, also when reached by address (<c>easyhard kafka</c>).</summary>
public sealed class MockClusterDetectionTests
{
    [Fact]
    public void MockClusterReachedByAddress_IsRecognised_SoTheOffsetJournalAndShortSessionsApply()
    {
        using var cluster = new EmbeddedKafkaCluster(brokers: 1);
        var options = new KafkaOptions { BootstrapServers = cluster.BootstrapServers };
        using var connection = new KafkaConnection(Options.Create(options), Options.Create(new TopicOptions()));
        Assert.False(connection.IsMockCluster);

        Assert.True(connection.TryDetectMockCluster(CancellationToken.None, out var isMock));

        Assert.True(isMock);
        Assert.True(connection.IsMockCluster);
        Assert.Equal(KafkaConnection.EmbeddedSessionTimeoutMs, connection.ConsumerSessionTimeoutMs);
        Assert.True(new DeliveryOptions().UsesOffsetJournal(isMock));
    }

    [Fact]
    public void UnreachableCluster_IsAskedAgainUntilCancelled()
    {
        var options = new KafkaOptions { BootstrapServers = "127.0.0.1:1" };
        using var connection = new KafkaConnection(Options.Create(options), Options.Create(new TopicOptions()));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(3));

        Assert.False(connection.TryDetectMockCluster(cancel.Token, out _));
        Assert.False(connection.IsMockCluster);
    }
}
