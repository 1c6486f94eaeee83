using Confluent.Kafka;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>
/// A batch failed because some of its outputs can never be produced (<see cref="RefusedOutput.IsPermanent"/>). The
/// shell aborts the attempt and sends the batch again with those outputs' inputs dead-lettered, at once: nothing
/// transient happened, so there is nothing to back off from.
/// </summary>
public sealed class UndeliverableOutputsException : KafkaException
{
    public UndeliverableOutputsException(IReadOnlyList<RefusedOutput> refused, Exception? inner = null)
        : base(refused.Count > 0 ? refused[0].Error : new Error(ErrorCode.Unknown), inner) => Refused = refused;

    public IReadOnlyList<RefusedOutput> Refused { get; }
}
