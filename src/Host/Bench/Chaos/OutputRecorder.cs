using System.Text;
using Confluent.Kafka;
using EasyHard.Core.Contracts;

namespace EasyHard.Host.Bench.Chaos;

/// <summary>
/// Reads the trainer topics and the dead-letter topic (read_committed, from the beginning) for the whole run and keeps
/// every id it sees. Reading as the records come, not once at the end, is what lets a long run account: the mock
/// cluster keeps about 5 MB per partition, so by the end of a long run the first records of the trainer stream are
/// gone from the broker.
/// </summary>
public sealed class OutputRecorder : IDisposable
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly HashSet<string> _deadLetterTopic;
    private readonly List<TopicPartition> _partitions;
    private readonly List<string> _trainer = [];
    private readonly List<DeadLetter> _deadLetters = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private Exception? _failure;

    public OutputRecorder(string bootstrapServers, IEnumerable<string> trainerTopics, string deadLetterTopic, int partitions)
    {
        _consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"easyhard-chaos-recorder-{Guid.NewGuid():N}",
            ClientId = "easyhard-chaos-recorder",
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // The mock answers an empty fetch only after fetch.wait.max.ms (see TrainerStreamReader).
            FetchWaitMaxMs = 50,
        }).Build();
        _deadLetterTopic = [deadLetterTopic];
        _partitions = [.. trainerTopics.Append(deadLetterTopic).SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartition(t, p)))];
        _consumer.Assign(_partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        _thread = new Thread(Read) { IsBackground = true, Name = "chaos-recorder" };
        _thread.Start();
    }

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
            ThrowIfFailed();
            var behind = _partitions.Count(p =>
            {
                var high = _consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(10)).High.Value;
                return high > 0 && _consumer.Position(p).Value < high;
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
        ThrowIfFailed();
        lock (_gate)
        {
            return ([.. _trainer], [.. _deadLetters]);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _consumer.Close();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new InvalidOperationException("The output recorder failed: " + failure.Message, failure);
        }
    }

    private void Read()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                ConsumeResult<byte[], byte[]>? record;
                try
                {
                    record = _consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    // A failed fetch under the nemesis's faults; the consumer retries it. Only a fatal error ends the recorder.
                    continue;
                }

                if (record?.Message is null)
                {
                    continue;
                }

                var id = record.Message.Key is null ? null : Encoding.UTF8.GetString(record.Message.Key);
                lock (_gate)
                {
                    if (_deadLetterTopic.Contains(record.Topic))
                    {
                        _deadLetters.Add(new DeadLetter(id, Header(record, HeaderNames.ErrorReason) ?? Header(record, HeaderNames.Error) ?? "(no reason header)"));
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
        catch (KafkaException e)
        {
            Volatile.Write(ref _failure, e);
        }
    }

    private static string? Header(ConsumeResult<byte[], byte[]> record, string name) =>
        record.Message.Headers?.TryGetLastBytes(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;
}
