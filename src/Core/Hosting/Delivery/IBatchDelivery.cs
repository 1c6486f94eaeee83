using Confluent.Kafka;
using EasyHard.Core.Kafka;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>
/// How a processed batch leaves the Kafka shell: its output records become durable and its input offsets are
/// committed, as one unit (<see cref="TransactionalDelivery"/>) or output first, offsets second
/// (<see cref="AtLeastOnceDelivery"/>), in two steps: <see cref="Send"/> on the shell's consume thread, then
/// <see cref="Complete"/>, which may run on another thread while the shell collects and processes the next batch
/// (<see cref="CompletesInBackground"/>). Never two steps at once: the shell waits for one before the next.
/// </summary>
internal interface IBatchDelivery : IDisposable
{
    /// <summary>Whether <see cref="Complete"/> may run on another thread than the consumer's.</summary>
    bool CompletesInBackground { get; }

    /// <summary>Prepares the producer once, before the consumer subscribes (and so before any offsets are read).</summary>
    void Start();

    /// <summary>Hands <paramref name="outputs"/> to the producer; <paramref name="offsets"/> are committed by <see cref="Complete"/>.</summary>
    void Send(IReadOnlyList<OutgoingMessage> outputs, IReadOnlyList<TopicPartitionOffset> offsets);

    /// <summary>Makes the sent batch durable and commits its offsets; throws when either failed.</summary>
    void Complete();

    /// <summary>Cleans up after a failed <see cref="Send"/> or <see cref="Complete"/> (aborts an open transaction) before the batch is retried.</summary>
    void Reset();
}
