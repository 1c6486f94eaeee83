using System.Text;
using Confluent.Kafka;
using EasyHard.Bench.Chaos;
using EasyHard.Core.Configuration;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.IntegrationTests.Infrastructure;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>The chaos run's trace says where a missing id was last seen: the furthest topic between roles that carried it.</summary>
public sealed class PipelineTraceTests
{
    [Fact]
    public async Task Locate_NamesTheFurthestTopicEachIdReached_AndWhereItSatOnTheInput()
    {
        using var cluster = new EmbeddedKafkaCluster();
        var topics = new TopicOptions { Input = "trace-in", Samples = "trace-samples", Scored = "trace-scored" };
        cluster.CreateTopics([topics.Input, topics.Samples, topics.Scored], 2);
        using var trace = new PipelineTrace(cluster.BootstrapServers, topics, partitions: 2);
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 0 }).Build();
        async Task Put(string topic, int partition, string id) =>
            await producer.ProduceAsync(new TopicPartition(topic, partition), new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(id), Value = [1] });

        await Put(topics.Input, 1, "only-input");
        await Put(topics.Input, 0, "forwarded");
        await Put(topics.Samples, 1, "forwarded");
        await Put(topics.Input, 1, "scored");
        await Put(topics.Samples, 0, "scored");
        await Put(topics.Scored, 0, "scored");

        // Each topic is read in the background on its own: an id can show on a later topic before its input record is read,
        // so the wait is for every figure, the input places too.
        (string Id, PipelineTrace.Hop Furthest, string? InputPlace)[] expected =
        [
            ("only-input", PipelineTrace.Hop.Input, "1@0"),
            ("forwarded", PipelineTrace.Hop.Samples, "0@0"),
            ("scored", PipelineTrace.Hop.Scored, "1@1"),
            ("never", PipelineTrace.Hop.NeverOnInput, null),
        ];
        IReadOnlyList<(string Id, PipelineTrace.Hop Furthest, string? InputPlace)> located = [];
        await Eventually.WaitUntilAsync(() =>
        {
            located = trace.Locate(["only-input", "forwarded", "scored", "never"]);
            return Task.FromResult(located.SequenceEqual(expected));
        }, TimeSpan.FromSeconds(60), () => string.Join("; ", located));

        Assert.Equal(expected, located);
        var table = trace.Describe(["only-input", "never"]);
        Assert.Contains("| on the input topic, never forwarded by Ingest | 1 | only-input (1@0) |", table, StringComparison.Ordinal);
        Assert.Contains("| never on the input topic (acknowledged by the broker) | 1 | never |", table, StringComparison.Ordinal);
        Assert.Equal("", trace.Describe([]));
    }
}
