using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Scoring;
using Microsoft.Extensions.Logging;

namespace EasyHard.Scorer.State;

/// <summary>
/// The per-id history's changelog on <c>Topics:ScorerState</c>, as Kafka Streams backs a state store: a record per
/// scored sample (key = sample id, value = its <see cref="SampleRecord"/>) in the partition of the input it came from,
/// written in the batch's transaction, so the changelog holds exactly the history of the committed input. A member
/// that is assigned input partition p reads partition p of the changelog from its beginning (read_committed; a
/// compacted topic keeps the last record per id) before it processes any record of p.
/// </summary>
public sealed partial class HistoryChangelog(KafkaConnection connection, string topic, ILogger logger)
{
    /// <summary>Longest a restore waits for the end of a changelog partition (a broker down): then it goes on with what it read.</summary>
    private static readonly TimeSpan RestoreDeadline = TimeSpan.FromSeconds(60);

    public string Topic => topic;

    /// <summary>The change record of one scored sample: in the changelog partition of its input partition.</summary>
    internal OutgoingMessage Record(string id, SampleRecord record, ConsumeResult<byte[], byte[]> source) =>
        new(topic, Encoding.UTF8.GetBytes(id), SampleRecordCodec.Encode(record)) { Source = source, Partition = source.Partition.Value };

    /// <summary>The last record of each id in the changelog partitions <paramref name="partitions"/>, in the order they were last written.</summary>
    public List<(string Id, SampleRecord Record, int Partition)> Read(IReadOnlySet<int> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var started = Stopwatch.GetTimestamp();
        var latest = new Dictionary<string, (SampleRecord Record, int Partition)>(StringComparer.Ordinal);
        if (partitions.Count > 0)
        {
            try
            {
                ReadInto(latest, partitions);
            }
            catch (KafkaException e)
            {
                // Inside the rebalance: a failure here must not stop the role; the partitions go on with what was read.
                LogReadError(topic, e.Error.Reason);
            }
        }

        StateMetrics.Restored.Inc(latest.Count);
        StateMetrics.RestoreSeconds.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        LogRestored(latest.Count, string.Join(',', partitions.Order()), Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return [.. latest.Select(kv => (kv.Key, kv.Value.Record, kv.Value.Partition))];
    }

    private void ReadInto(Dictionary<string, (SampleRecord Record, int Partition)> latest, IReadOnlySet<int> partitions)
    {
        using var reader = connection.CreateReader($"easyhard-scorer-state-restore-{Guid.NewGuid():N}");
        var present = new List<TopicPartition>();
        var missing = new List<int>();
        foreach (var partition in partitions.Order())
        {
            if (HasPartition(reader, partition))
            {
                present.Add(new TopicPartition(topic, partition));
            }
            else
            {
                missing.Add(partition);
            }
        }

        if (missing.Count > 0)
        {
            LogMissing(topic, string.Join(',', missing));
        }

        var unfinished = PartitionsToEnd.Read(reader, present, RestoreDeadline, record => Apply(latest, record), error => LogReadError(topic, error.Reason));
        reader.Close();
        if (unfinished.Count > 0)
        {
            LogIncomplete(topic, string.Join(',', unfinished.Select(p => p.Partition.Value)), RestoreDeadline.TotalSeconds);
        }
    }

    private static void Apply(Dictionary<string, (SampleRecord Record, int Partition)> latest, ConsumeResult<byte[], byte[]> result)
    {
        if (result.Message.Key is not { } key)
        {
            StateMetrics.Malformed.Inc();
            return;
        }

        var id = Encoding.UTF8.GetString(key);
        // Moved to the end: the restored ids keep the order they were last scored in, which eviction follows.
        latest.Remove(id);
        if (result.Message.Value is null)
        {
            return; // A tombstone: the id was forgotten.
        }

        if (SampleRecordCodec.Decode(result.Message.Value) is { } record)
        {
            latest[id] = (record, result.Partition.Value);
        }
        else
        {
            StateMetrics.Malformed.Inc();
        }
    }

    /// <summary>Whether the changelog topic has <paramref name="partition"/> (an input partition without one starts with no history).</summary>
    private bool HasPartition(IConsumer<byte[], byte[]> reader, int partition)
    {
        try
        {
            reader.QueryWatermarkOffsets(new TopicPartition(topic, partition), TimeSpan.FromSeconds(10));
            return true;
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_UnknownPartition or ErrorCode.UnknownTopicOrPart or ErrorCode.Local_UnknownTopic)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored the history of {Ids} ids of input partitions {Partitions} in {Milliseconds:F0} ms")]
    private partial void LogRestored(int ids, string partitions, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading scorer state topic {Topic}: {Reason}")]
    private partial void LogReadError(string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scorer state topic {Topic}: partitions {Partitions} not read to their end within {Seconds} s; their history is what was read")]
    private partial void LogIncomplete(string topic, string partitions, double seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scorer state topic {Topic} has no partition for input partitions {Missing}: their history starts empty; give it as many partitions as the input topic")]
    private partial void LogMissing(string topic, string missing);
}
