using Confluent.Kafka;

namespace EasyHard.Core.Kafka;

/// <summary>A record a batch processor wants produced; the Kafka shell produces it before committing input.</summary>
public sealed record OutgoingMessage(string Topic, byte[]? Key, byte[] Value, Headers? Headers = null)
{
    /// <summary>
    /// The input record this output was made from, when there is one. The shell needs it to dead-letter that input
    /// instead when the output cannot be produced (too large, rejected by the broker), and to drop the input's other
    /// outputs with it, so that each input ends up either forwarded or dead-lettered, never half of each.
    /// </summary>
    public ConsumeResult<byte[], byte[]>? Source { get; init; }

    /// <summary>
    /// The partition to write to; null lets the producer's partitioner choose by key. A changelog sets it to its input's
    /// partition, so that the new owner of an input partition finds the state of that partition in one place.
    /// </summary>
    public int? Partition { get; init; }

    /// <summary>The reason code when this output is a dead letter (<see cref="DeadLetters"/>), else null.</summary>
    public string? DeadLetterReason { get; init; }

    /// <summary>Whether this output is a dead letter.</summary>
    public bool IsDeadLetter => DeadLetterReason is not null;
}
