using Confluent.Kafka;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>
/// Produce every output, wait for every delivery report, then commit the input offsets. Offsets are never committed
/// past a record whose output is not durable; a crash between the two re-delivers the batch (duplicates, no loss).
/// </summary>
internal sealed class AtLeastOnceDelivery(IProducer<byte[], byte[]> producer, IConsumer<byte[], byte[]> consumer,
    PipelineMetrics metrics, TimeProvider time) : IBatchDelivery
{
    public void Start()
    {
        // Nothing to prepare: the idempotent producer needs no transactional state.
    }

    private IReadOnlyList<OutgoingMessage> _outputs = [];
    private IReadOnlyList<TopicPartitionOffset> _offsets = [];

    /// <summary>No: the offsets are committed through the consumer, which belongs to the consume thread.</summary>
    public bool CompletesInBackground => false;

    public void Send(IReadOnlyList<OutgoingMessage> outputs, IReadOnlyList<TopicPartitionOffset> offsets)
    {
        _outputs = outputs;
        _offsets = offsets;
    }

    public void Complete()
    {
        ProduceAndAwaitDelivery(_outputs);
        var started = time.GetTimestamp();
        consumer.Commit(_offsets);
        metrics.CommitDuration.Observe(time.GetElapsedTime(started).TotalSeconds);
    }

    public void Reset()
    {
        // Nothing is open between attempts: a retry produces the batch again.
    }

    public void Dispose() => producer.Flush(TimeSpan.FromSeconds(10));

    private void ProduceAndAwaitDelivery(IReadOnlyList<OutgoingMessage> outputs)
    {
        if (outputs.Count == 0)
        {
            return;
        }

        var started = time.GetTimestamp();
        var reports = new DeliveryReports();
        OutputProducer.Enqueue(producer, outputs, metrics, reports);

        // Delivery reports arrive through Poll/Flush; librdkafka's own retries and message.timeout.ms bound this.
        while (reports.Pending > 0)
        {
            producer.Flush(TimeSpan.FromMilliseconds(200));
        }

        metrics.ProduceDuration.Observe(time.GetElapsedTime(started).TotalSeconds);
        reports.ThrowIfFailed();
    }
}
