using Confluent.Kafka;
using EasyHard.Bench.Common;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.IntegrationTests.Infrastructure;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>
/// What the fault suite can and cannot prove on librdkafka's mock cluster (2.16): it writes commit and abort markers
/// but does not isolate transactions, so read_committed readers also get the records of aborted and of unfinished
/// transactions. Exact counts in the fault scenarios are therefore stricter than on Kafka (an aborted batch that was
/// retried would show as duplicates); only a process killed mid-transaction leaves visible records that Kafka would
/// hide, which the kill scenario's verifier accounts for. Should a librdkafka upgrade add isolation, this test fails:
/// then tighten <see cref="ExactlyOnceVerifier.AssertExactlyOnceAfterKillAsync"/> to plain exactly-once.
/// </summary>
public sealed class MockClusterTransactionTests
{
    [Fact]
    public void ReadCommittedReaders_AlsoGetAbortedAndUnfinishedTransactions()
    {
        using var cluster = new EmbeddedKafkaCluster();
        const string topic = "txn-visibility";
        cluster.CreateTopics([topic], partitions: 1);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            TransactionalId = "txn-visibility-producer",
        }).Build();
        producer.InitTransactions(TimeSpan.FromSeconds(10));

        Produce(producer, topic, "committed", 10);
        producer.CommitTransaction(TimeSpan.FromSeconds(10));
        Produce(producer, topic, "aborted", 5);
        producer.AbortTransaction(TimeSpan.FromSeconds(10));
        Produce(producer, topic, "open", 7);

        var keys = TopicReader.ReadAll(cluster.BootstrapServers, topic, TimeSpan.FromSeconds(10))
            .Select(r => System.Text.Encoding.UTF8.GetString(r.Message.Key)).ToList();
        var state = PartitionStates.Read(cluster.BootstrapServers, topic, TimeSpan.FromSeconds(10)).Single();

        string[] expected = [.. Keys("committed", 10), .. Keys("aborted", 5), .. Keys("open", 7)];
        Assert.Equal(expected, keys);
        Assert.Equal(0, state.Uncommitted);
        Assert.Equal(24, state.HighWatermark); // 22 records and two control markers: the mock does write the markers
        producer.AbortTransaction(TimeSpan.FromSeconds(10));
    }

    private static IEnumerable<string> Keys(string prefix, int count) => Enumerable.Range(0, count).Select(i => $"{prefix}-{i}");

    /// <summary>Begins a transaction and puts <paramref name="count"/> records on the broker (flushed, not committed).</summary>
    private static void Produce(IProducer<byte[], byte[]> producer, string topic, string prefix, int count)
    {
        producer.BeginTransaction();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(topic, new Message<byte[], byte[]> { Key = System.Text.Encoding.UTF8.GetBytes($"{prefix}-{i}"), Value = [1] });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(10)));
    }
}
