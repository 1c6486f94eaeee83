using System.Globalization;
using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.Logging;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>
/// Stands between a role's outputs and the producer, so that no record can stop its partition: an output larger than
/// the producer's <c>message.max.bytes</c>, or one the broker refused for good, is replaced by a dead letter of the
/// input it came from (<see cref="OutgoingMessage.Source"/>), and that input's other outputs are dropped; a dead
/// letter that does not fit keeps a prefix of the original (<see cref="DeadLetters.Truncate"/>). The rest of the
/// batch goes on unchanged. Rejections are remembered by input position until that input is committed, because a
/// failed attempt is processed and screened again.
/// </summary>
internal sealed partial class OutputScreen(long maxBytes, string deadLetterTopic, string role, ILogger logger)
{
    private readonly Dictionary<TopicPartitionOffset, Rejection> _rejected = [];

    /// <summary>The largest record the producer sends, as <see cref="RecordSize"/> counts.</summary>
    public long MaxBytes => maxBytes;

    /// <summary>The outputs to send: <paramref name="outputs"/> itself when every one of them can be produced.</summary>
    public IReadOnlyList<OutgoingMessage> Apply(IReadOnlyList<OutgoingMessage> outputs)
    {
        var changed = _rejected.Count > 0;
        foreach (var output in outputs)
        {
            var size = RecordSize.Of(output);
            if (size <= maxBytes)
            {
                continue;
            }

            changed = true;
            if (!output.IsDeadLetter && output.Source is { } source && _rejected.TryAdd(At(source), new Rejection(RejectReasons.OutputTooLarge,
                    $"Its output for {output.Topic} is {size} bytes, above the producer's message.max.bytes ({maxBytes}, Kafka:Producer:MessageMaxBytes).")))
            {
                LogRejected(logger, role, source.Topic, source.Partition.Value, source.Offset.Value, RejectReasons.OutputTooLarge, output.Topic, size);
            }
        }

        return changed ? Screened(outputs) : outputs;
    }

    /// <summary>
    /// Remembers the inputs of <paramref name="refused"/> as dead letters for the next attempt; false when that cannot
    /// help (an output with no input to blame, or a dead letter already cut to its prefix), so the failure is retried.
    /// </summary>
    public bool Reject(IReadOnlyList<RefusedOutput> refused)
    {
        foreach (var (output, error) in refused)
        {
            if (output.Source is not { } source)
            {
                return false;
            }

            var at = At(source);
            var known = _rejected.GetValueOrDefault(at);
            if (output.IsDeadLetter)
            {
                // The dead letter itself was refused (its topic takes less than the producer sends): send its prefix.
                if (known?.Truncate == true || output.Headers?.Any(h => h.Key == HeaderNames.Truncated) == true)
                {
                    return false;
                }

                _rejected[at] = (known ?? new Rejection(output.DeadLetterReason!, string.Empty)) with { Truncate = true };
            }
            else
            {
                if (known is not null)
                {
                    return false;
                }

                _rejected[at] = new Rejection(RejectReasons.Undeliverable,
                    $"Its output for {output.Topic} ({RecordSize.Of(output)} bytes) was refused for good: {error.Code}: {error.Reason}.");
            }

            LogRejected(logger, role, source.Topic, source.Partition.Value, source.Offset.Value, _rejected[at].Reason, output.Topic, RecordSize.Of(output));
        }

        return true;
    }

    /// <summary>Forgets the rejections of inputs below <paramref name="committed"/> (next offsets): they will not come again.</summary>
    public void Forget(IEnumerable<TopicPartitionOffset> committed)
    {
        if (_rejected.Count == 0)
        {
            return;
        }

        foreach (var next in committed)
        {
            foreach (var at in _rejected.Keys.Where(k => k.TopicPartition == next.TopicPartition && k.Offset.Value < next.Offset.Value).ToList())
            {
                _rejected.Remove(at);
            }
        }
    }

    private List<OutgoingMessage> Screened(IReadOnlyList<OutgoingMessage> outputs)
    {
        var screened = new List<OutgoingMessage>(outputs.Count);
        var replaced = new HashSet<TopicPartitionOffset>();
        foreach (var output in outputs)
        {
            if (output.Source is { } source && _rejected.TryGetValue(At(source), out var rejection))
            {
                // One dead letter per rejected input, in place of its first output; its other outputs are dropped.
                if (replaced.Add(At(source)))
                {
                    var dead = output.IsDeadLetter ? output : DeadLetters.Create(deadLetterTopic, source, rejection.Reason, rejection.Message);
                    screened.Add(rejection.Truncate ? DeadLetters.Truncate(dead, maxBytes) : DeadLetters.FitTo(dead, maxBytes));
                }
            }
            else if (output.IsDeadLetter)
            {
                screened.Add(DeadLetters.FitTo(output, maxBytes));
            }
            else if (RecordSize.Of(output) > maxBytes)
            {
                screened.Add(DeadLetters.Truncate(Orphan(output), maxBytes));
            }
            else
            {
                screened.Add(output);
            }
        }

        return screened;
    }

    /// <summary>A dead letter of an output that names no input: its own bytes, with the topic it was meant for.</summary>
    private OutgoingMessage Orphan(OutgoingMessage output)
    {
        var size = RecordSize.Of(output).ToString(CultureInfo.InvariantCulture);
        var headers = new Headers
        {
            { HeaderNames.Error, Encoding.UTF8.GetBytes($"An output for {output.Topic} is {size} bytes, above the producer's message.max.bytes ({maxBytes}).") },
            { HeaderNames.ErrorReason, Encoding.UTF8.GetBytes(RejectReasons.OutputTooLarge) },
        };
        LogOrphan(logger, role, output.Topic, RecordSize.Of(output));
        return new OutgoingMessage(deadLetterTopic, output.Key, output.Value, headers) { DeadLetterReason = RejectReasons.OutputTooLarge };
    }

    private static TopicPartitionOffset At(ConsumeResult<byte[], byte[]> source) => new(source.TopicPartition, source.Offset);

    private sealed record Rejection(string Reason, string Message, bool Truncate = false);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} dead-letters {Topic} {Partition} {Offset} as {Reason}: its output for {OutputTopic} ({Bytes} bytes) cannot be produced")]
    private static partial void LogRejected(ILogger logger, string role, string topic, int partition, long offset, string reason, string outputTopic, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} dead-letters an output for {OutputTopic} of {Bytes} bytes that names no input")]
    private static partial void LogOrphan(ILogger logger, string role, string outputTopic, long bytes);
}
