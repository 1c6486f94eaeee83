using Confluent.Kafka;
using Confluent.Kafka.Admin;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer.Load;

/// <summary>
/// Reads, every <c>Scorer:Load:PollIntervalMs</c>, the committed offsets of each group in <c>Scorer:Load:TrainerGroups</c>
/// on the trainer topics (<c>Topics:Weighted</c>, <c>Topics:Quarantine</c>) and the topics' ends, into
/// <see cref="TrainerPace"/>. The groups are named rather than listed from the cluster: librdkafka's mock cluster does
/// not answer ListGroups. Idle without trainer groups or without Kafka.
/// </summary>
public sealed class TrainerPaceMonitor(IServiceProvider services, TrainerPace pace, IOptions<TopicOptions> topics, IOptions<ScorerOptions> options,
    ILogger<TrainerPaceMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var load = options.Value.Load;
        var connection = services.GetService<KafkaConnection>();
        if (load.TrainerGroups.Count == 0 || connection is null)
        {
            return Task.CompletedTask;
        }

        return Task.Factory.StartNew(() => Run(connection, load, stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(KafkaConnection connection, LoadOptions load, CancellationToken stoppingToken)
    {
        string[] trainerTopics = [topics.Value.Weighted, topics.Value.Quarantine];
        using var admin = connection.CreateAdminClient();
        // Never subscribes and never commits: it only asks for the topics' bounds.
        using var bounds = connection.CreateReader($"{options.Value.GroupId}-pace-{Guid.NewGuid():N}");
        ScorerLog.TrainerPaceWatching(logger, string.Join(", ", load.TrainerGroups), string.Join(", ", trainerTopics));
        string? lastError = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                pace.Observe(Read(admin, bounds, load.TrainerGroups, trainerTopics));
                lastError = null;
            }
            catch (Exception e) when (e is KafkaException or TimeoutException)
            {
                pace.Unknown();
                if (e.Message != lastError)
                {
                    ScorerLog.TrainerPaceUnknown(logger, e.Message);
                    lastError = e.Message;
                }
            }

            stoppingToken.WaitHandle.WaitOne(load.PollIntervalMs);
        }
    }

    private static List<TrainerProgress> Read(IAdminClient admin, IConsumer<byte[], byte[]> bounds, IReadOnlyList<string> groups, string[] trainerTopics)
    {
        var metadata = admin.GetMetadata(RequestTimeout);
        var partitions = metadata.Topics.Where(t => trainerTopics.Contains(t.Topic) && t.Error.Code == ErrorCode.NoError)
            .SelectMany(t => t.Partitions.Select(p => new TopicPartition(t.Topic, p.PartitionId))).ToList();
        if (partitions.Count == 0)
        {
            return [];
        }

        var ends = partitions.ToDictionary(tp => tp, tp => bounds.QueryWatermarkOffsets(tp, RequestTimeout));
        var progress = new List<TrainerProgress>(groups.Count);
        foreach (var group in groups)
        {
            var committed = admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, partitions)],
                new ListConsumerGroupOffsetsOptions { RequestTimeout = RequestTimeout }).GetAwaiter().GetResult();
            var stands = committed.SelectMany(c => c.Partitions).Select(c => new TrainerPartition(c.Topic, c.Partition.Value, c.Offset.Value,
                ends[c.TopicPartition].Low.Value, ends[c.TopicPartition].High.Value));
            if (TrainerProgress.Of(group, stands) is { } stand)
            {
                progress.Add(stand);
            }
        }

        return progress;
    }
}
