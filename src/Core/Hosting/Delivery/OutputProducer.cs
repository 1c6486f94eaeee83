using Confluent.Kafka;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>Enqueues a batch's output on a producer without one await per message (librdkafka batches them).</summary>
internal static class OutputProducer
{
    /// <summary>Enqueues every output; <paramref name="onDelivered"/> (may be null) receives each delivery report.</summary>
    public static void Enqueue(IProducer<byte[], byte[]> producer, IReadOnlyList<OutgoingMessage> outputs,
        PipelineMetrics metrics, Action<DeliveryReport<byte[], byte[]>>? onDelivered)
    {
        foreach (var output in outputs)
        {
            var message = new Message<byte[], byte[]> { Key = output.Key!, Value = output.Value, Headers = output.Headers };
            while (true)
            {
                try
                {
                    producer.Produce(output.Topic, message, onDelivered);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // The local queue is full: serve delivery reports until there is room again.
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }

            metrics.Produced(output.Topic).Inc();
        }
    }
}
