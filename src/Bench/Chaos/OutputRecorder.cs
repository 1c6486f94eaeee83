using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts;
using EasyHard.Core.Hosting.Retention;
using EasyHard.Core.Kafka;
using EasyHard.Bench.Common;

namespace EasyHard.Bench.Chaos;

/// <summary>
/// Reads the trainer topics and the dead-letter topic (read_committed, from the beginning) for the whole run and keeps
/// every id it sees. Reading as the records come, not once at the end, is what lets a long run account: the mock
/// cluster keeps about 5 MB per partition, so by the end of a long run the first records of the trainer stream are
/// gone from the broker. A partition that fills faster than the recorder reads it (a few records of about 1 MB take
/// most of the 5 MB) can lose records before the recorder gets to them: those are counted
/// (<see cref="LostToRetention"/>) and reported through <c>onLost</c>, never skipped silently.
/// </summary>
public sealed class OutputRecorder : IDisposable
{
    private readonly BackgroundTopicReader _reader;
    private readonly HashSet<string> _deadLetterTopic;
    private readonly List<TopicPartition> _partitions;
    private readonly List<string> _trainer = [];
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public OutputRecorder(string bootstrapServers, IEnumerable<string> trainerTopics, string deadLetterTopic, int partitions,
        Action<TopicPartition, RetentionGap>? onLost = null)
    {
        _deadLetterTopic = [deadLetterTopic];
        _partitions = BackgroundTopicReader.PartitionsOf(trainerTopics.Append(deadLetterTopic), partitions);
        _reader = new BackgroundTopicReader("chaos-recorder", bootstrapServers, _partitions, fetchWaitMaxMs: 50,
            consumeResultFields: "all", Record, onLost);
    }

    /// <summary>Offsets of the topics it reads that retention deleted before it read them (markers included).</summary>
    public long LostToRetention => _reader.LostToRetention.Values.Sum();

    /// <summary>Whether the id has been seen on the trainer stream or dead-lettered.</summary>
    public bool Seen(string id)
    {
        lock (_gate)
        {
            return _seen.Contains(id);
        }
    }

    /// <summary>
    /// Waits until the reader's position on every partition has reached its high watermark (true), or
    /// <paramref name="deadline"/> passed (false).
    /// </summary>
    public async Task<bool> CatchUpAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + deadline;
        while (DateTime.UtcNow < until)
        {
            _reader.ThrowIfFailed();
            var behind = _partitions.Count(p =>
            {
                var (position, high) = _reader.Progress(p);
                return high > 0 && position < high;
            });
            if (behind == 0)
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }

        return false;
    }

    /// <summary>Every trainer-stream id and every dead letter seen so far.</summary>
    public (List<string> TrainerStreamIds, List<DeadLetter> DeadLetters) Snapshot()
    {
        _reader.ThrowIfFailed();
        lock (_gate)
        {
            return ([.. _trainer], [.. _deadLetters]);
        }
    }

    public void Dispose() => _reader.Dispose();

    private void Record(ConsumeResult<byte[], byte[]> record)
    {
        var id = record.Message.Key is null ? null : Encoding.UTF8.GetString(record.Message.Key);
        lock (_gate)
        {
            if (_deadLetterTopic.Contains(record.Topic))
            {
                _deadLetters.Add(new DeadLetter(id, RecordHeaders.Text(record, HeaderNames.ErrorReason) ?? RecordHeaders.Text(record, HeaderNames.Error) ?? "(no reason header)"));
            }
            else if (id is not null)
            {
                _trainer.Add(id);
            }

            if (id is not null)
            {
                _seen.Add(id);
            }
        }
    }
}
