using System.Collections.Concurrent;
using System.Text;
using Confluent.Kafka;
using EasyHard.Bench.Common;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using Xunit.Abstractions;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>
/// What the chaos run's accounting rests on: librdkafka's mock cluster (2.16) keeps every record it acknowledged to an
/// idempotent producer while its brokers go down and come back with that producer's requests in flight. So an input
/// id the broker acknowledged and that never reached the input topic points at the load producer's own accounting,
/// not at the broker (as it did when a load stopped on a stall counted unreported samples as produced).
/// </summary>
public sealed class MockClusterProduceLossTests(ITestOutputHelper output)
{
    [Fact]
    public async Task IdempotentProducer_BrokersGoingDownWithRequestsInFlight_EveryAcknowledgedRecordIsInTheLog()
    {
        using var cluster = new EmbeddedKafkaCluster();
        const string topic = "produce-loss";
        cluster.CreateTopics([topic], partitions: 8);
        // Requests stay in flight long enough for an outage to catch some of them, as under the chaos run's load.
        SetRtt(cluster, 300);
        var acknowledged = new ConcurrentBag<string>();
        var failed = new ConcurrentBag<string>();
        var random = new Random(3);
        using (var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            EnableIdempotence = true,
            LingerMs = 5,
            MessageTimeoutMs = 30_000,
        }).Build())
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var next = TimeSpan.FromSeconds(2);
            for (var sent = 0; clock.Elapsed < TimeSpan.FromSeconds(20); sent++)
            {
                var id = $"id-{sent:D6}";
                producer.Produce(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(id), Value = [1] },
                    report => (report.Error.IsError ? failed : acknowledged).Add(id));
                if (clock.Elapsed > next)
                {
                    var broker = 1 + random.Next(3);
                    MockClusterNative.SetBrokerDown(cluster.NativeCluster, broker);
                    await Task.Delay(TimeSpan.FromSeconds(2 + (3 * random.NextDouble())));
                    MockClusterNative.SetBrokerUp(cluster.NativeCluster, broker);
                    next = clock.Elapsed + TimeSpan.FromSeconds(2 + (4 * random.NextDouble()));
                }

                await Task.Delay(5);
            }

            Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(90)));
        }

        // Read without the added latency, to the end of every partition: what it does not find is not in the log.
        SetRtt(cluster, 0);
        var records = TopicReader.ReadAll(cluster.BootstrapServers, topic, TimeSpan.FromSeconds(60));
        Assert.Equal(LogSize(cluster, topic), records.Count);
        var inLog = records.Select(r => Encoding.UTF8.GetString(r.Message.Key)).ToHashSet(StringComparer.Ordinal);
        var lost = acknowledged.Where(id => !inLog.Contains(id)).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"{acknowledged.Count} acknowledged, {failed.Count} failed, {inLog.Count} in the log");
        Assert.NotEmpty(acknowledged);
        Assert.Empty(lost);
    }

    private static void SetRtt(EmbeddedKafkaCluster cluster, int milliseconds)
    {
        for (var broker = 1; broker <= 3; broker++)
        {
            MockClusterNative.SetBrokerRtt(cluster.NativeCluster, broker, milliseconds);
        }
    }

    private static long LogSize(EmbeddedKafkaCluster cluster, string topic)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "log-size" }).Build();
        return Enumerable.Range(0, 8).Sum(p =>
        {
            var watermarks = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10));
            return watermarks.High.Value - watermarks.Low.Value;
        });
    }
}
