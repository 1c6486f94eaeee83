using Confluent.Kafka;
using EasyHard.Core.Kafka;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>
/// How a processed batch leaves the Kafka shell: its output records become durable and its input offsets are
/// committed, as one unit (<see cref="TransactionalDelivery"/>) or output first, offsets second
/// (<see cref="AtLeastOnceDelivery"/>). Used from the shell's single consume thread only.
/// </summary>
internal interface IBatchDelivery : IDisposable
{
    /// <summary>Prepares the producer once, before the consumer subscribes (and so before any offsets are read).</summary>
    void Start();

    /// <summary>Delivers <paramref name="outputs"/> and commits <paramref name="offsets"/>; throws when either failed.</summary>
    void Deliver(IReadOnlyList<OutgoingMessage> outputs, IReadOnlyList<TopicPartitionOffset> offsets);

    /// <summary>Cleans up after a failed <see cref="Deliver"/> (aborts an open transaction) before the batch is retried.</summary>
    void Reset();
}
