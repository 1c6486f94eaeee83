using Confluent.Kafka;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EasyHard.Scorer.Feedback;

/// <summary>
/// Reads a side topic of the scorer (feedback, targets) into an in-memory structure. Every scorer process reads the
/// whole topic under its own consumer group and never commits: the structures are bounded caches of the most recent
/// records, so a restart simply refills them. The blocking consume loop runs on its own long-running thread.
/// </summary>
public abstract class TopicReader : BackgroundService
{
    private readonly IServiceProvider services;
    private readonly ILogger logger;

    protected TopicReader(IServiceProvider services, ILogger logger)
    {
        this.services = services;
        this.logger = logger;
    }

    /// <summary>The topic; null or empty disables the reader.</summary>
    protected abstract string? Topic { get; }

    /// <summary>Prefix of the reader's per-process consumer group.</summary>
    protected abstract string GroupPrefix { get; }

    /// <summary>Applies one record's value; returns false when it was rejected (counted by the caller).</summary>
    protected abstract bool Apply(byte[]? value);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var topic = Topic;
        var connection = services.GetService<KafkaConnection>();
        if (string.IsNullOrWhiteSpace(topic) || connection is null)
        {
            return Task.CompletedTask;
        }

        return Task.Factory.StartNew(() => Run(connection, topic, stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(KafkaConnection connection, string topic, CancellationToken stoppingToken)
    {
        var group = $"{GroupPrefix}-{Environment.MachineName}-{Guid.NewGuid():N}";
        using var consumer = connection.CreateConsumer(group, group);
        consumer.Subscribe(topic);
        ScorerLog.SideTopicReading(logger, topic, group);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var record = consumer.Consume(stoppingToken);
                    if (record?.Message is not null)
                    {
                        Apply(record.Message.Value);
                    }
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    ScorerLog.SideTopicError(logger, topic, e.Error.Reason);
                    stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1)); // e.g. the topic does not exist yet
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            consumer.Close();
        }
    }
}
