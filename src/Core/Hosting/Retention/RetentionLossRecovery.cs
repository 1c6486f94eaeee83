using Confluent.Kafka;
using EasyHard.Core.Observability;
using Microsoft.Extensions.Logging;

namespace EasyHard.Core.Hosting.Retention;

/// <summary>
/// Handles a role consumer's <c>auto.offset.reset=error</c> report (<see cref="ErrorCode.Local_AutoOffsetReset"/>): the
/// broker could not serve the position to read from, because retention deleted those records before this group read
/// them (or, for a new group, there is no position yet). Counts the lost records per partition, logs them with their
/// offsets, reports them on <c>/health/ready</c>, and moves the partition to its earliest record, so the role goes on.
/// </summary>
public sealed partial class RetentionLossRecovery(string role, PipelineMetrics metrics, RoleReadiness readiness, ILogger logger)
{
    private static readonly TimeSpan WatermarkTimeout = TimeSpan.FromSeconds(10);

    /// <summary>True for the consume error this class handles.</summary>
    public static bool Handles(ConsumeException e) => e.Error.Code == ErrorCode.Local_AutoOffsetReset;

    /// <summary>
    /// Counts what was lost and restarts the partition at its earliest record. When the broker cannot tell where that is,
    /// the partition restarts at the position it could not serve: fetching it fails again and this runs again.
    /// </summary>
    public void Recover(IConsumer<byte[], byte[]> consumer, ConsumeException e)
    {
        var at = e.ConsumerRecord.TopicPartitionOffset;
        if (at.Offset.Value < 0)
        {
            LogNoPosition(role, at.Topic, at.Partition.Value);
            Restart(consumer, new TopicPartitionOffset(at.TopicPartition, Offset.Beginning));
            return;
        }

        RetentionGap gap;
        try
        {
            gap = Measure(consumer, at);
        }
        catch (KafkaException failure) when (!failure.Error.IsFatal)
        {
            metrics.Errors($"kafka_{failure.Error.Code}").Inc();
            LogWatermarksFailed(failure, role, at.Topic, at.Partition.Value, at.Offset.Value);
            Restart(consumer, at);
            return;
        }

        if (gap.Lost > 0)
        {
            metrics.LostToRetention(at.Topic, at.Partition.Value).Inc(gap.Lost);
            readiness.LostToRetention(role, at.Topic, at.Partition.Value, gap.Lost);
            LogLost(role, gap.Lost, at.Topic, at.Partition.Value, gap.Position, gap.Low - 1, gap.ResumeAt);
        }
        else
        {
            LogOutOfRange(role, at.Topic, at.Partition.Value, gap.Position, gap.Low, gap.High, e.Error.Reason);
        }

        Restart(consumer, new TopicPartitionOffset(at.TopicPartition, gap.ResumeAt));
    }

    /// <summary>The gap between a position the broker could not serve and the partition's log; throws when the watermarks cannot be read.</summary>
    public static RetentionGap Measure(IConsumer<byte[], byte[]> consumer, TopicPartitionOffset at)
    {
        var watermarks = consumer.QueryWatermarkOffsets(at.TopicPartition, WatermarkTimeout);
        return new RetentionGap(at.Offset.Value, watermarks.Low.Value, watermarks.High.Value);
    }

    /// <summary><see cref="Measure"/>, or null when the brokers cannot tell the watermarks now.</summary>
    public static RetentionGap? TryMeasure(IConsumer<byte[], byte[]> consumer, TopicPartitionOffset at)
    {
        try
        {
            return Measure(consumer, at);
        }
        catch (KafkaException e) when (!e.Error.IsFatal)
        {
            return null;
        }
    }

    /// <summary>
    /// librdkafka stops fetching a partition whose position it could not serve (auto.offset.reset=error) and refuses to
    /// seek a stopped partition (ERR__STATE, rdkafka_partition.c), so the partition is assigned again at the new offset.
    /// A subscribed consumer needs the cooperative assignor for that, the role consumers' default; the group's
    /// assignment does not change. A consumer that assigns its partitions itself can always do it.
    /// </summary>
    public static void Restart(IConsumer<byte[], byte[]> consumer, TopicPartitionOffset at) => Reassignment.Restart(consumer, [at], resume: false);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Role} lost {Lost} records of {Topic} [{Partition}] to retention: offsets {FirstLost} to {LastLost} were deleted by the broker before they were read; continuing from offset {ResumeAt}")]
    private partial void LogLost(string role, long lost, string topic, int partition, long firstLost, long lastLost, long resumeAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} has no committed position on {Topic} [{Partition}]: starting from its earliest record")]
    private partial void LogNoPosition(string role, string topic, int partition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} could not read the watermarks of {Topic} [{Partition}] after its position {Position} was out of range; trying again")]
    private partial void LogWatermarksFailed(Exception exception, string role, string topic, int partition, long position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} position {Position} of {Topic} [{Partition}] is outside its log ({Low} to {High}): {Reason}; continuing from its earliest record")]
    private partial void LogOutOfRange(string role, string topic, int partition, long position, long low, long high, string reason);
}
