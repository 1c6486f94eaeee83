using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Feedback;
using EasyHard.Scorer.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer.Tests;

/// <summary>The feedback and targets readers against librdkafka's mock cluster.</summary>
public sealed class SideTopicTests
{
    [Fact]
    public async Task FeedbackAndTargets_RecordsOnTheTopics_ReachTheStores_BadOnesCounted()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var topics = new TopicOptions { Feedback = $"feedback-{suffix}", Targets = $"targets-{suffix}", Partitions = 2 };
        using var connection = new KafkaConnection(Options.Create(new KafkaOptions()), Options.Create(topics));
        using (var producer = connection.CreateProducer("test"))
        {
            await producer.ProduceAsync(topics.Feedback, new Message<byte[], byte[]> { Key = null!, Value = Encoding.UTF8.GetBytes("{\"id\":\"s-1\",\"loss\":0.3}") });
            await producer.ProduceAsync(topics.Feedback, new Message<byte[], byte[]> { Key = null!, Value = Encoding.UTF8.GetBytes("garbage") });
            var target = new TrainingSample { Id = "t-1", Label = 2, Features = { 1f, 2f, 3f } };
            await producer.ProduceAsync(topics.Targets, new Message<byte[], byte[]> { Key = null!, Value = SampleJsonCodec.Write(target) });
        }

        var services = new ServiceCollection().AddSingleton(connection).BuildServiceProvider();
        var store = new FeedbackStore(16);
        var buffer = new TargetBuffer(8, 3);
        var scorer = Options.Create(new ScorerOptions());
        var schema = Options.Create(new SampleSchemaOptions { Dimension = 3, Classes = 4 });
        double rejectedBefore = ScorerMetrics.FeedbackRejected.Value;
        using var feedback = new FeedbackConsumer(services, store, Options.Create(topics), scorer, NullLogger<FeedbackConsumer>.Instance);
        using var targets = new TargetConsumer(services, buffer, Options.Create(topics), scorer, schema, NullLogger<TargetConsumer>.Instance);
        await feedback.StartAsync(CancellationToken.None);
        await targets.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((store.Count < 1 || buffer.Count < 1 || ScorerMetrics.FeedbackRejected.Value - rejectedBefore < 1) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            await feedback.StopAsync(CancellationToken.None);
            await targets.StopAsync(CancellationToken.None);
        }

        var losses = new float[] { 9f };
        Assert.Equal(1, store.Apply(["s-1"], losses));
        Assert.Equal(0.3f, losses[0]);
        Assert.Equal(1, buffer.Count);
        Assert.Equal([2L], buffer.Snapshot().Labels);
        Assert.True(ScorerMetrics.FeedbackRejected.Value - rejectedBefore >= 1);
    }
}
