using Confluent.Kafka;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;

namespace EasyHard.Core.Hosting.Delivery;

/// <summary>Enqueues a batch's output on a producer without one await per message (librdkafka batches them).</summary>
internal static class OutputProducer
{
    /// <summary>
    /// Enqueues every output. With <paramref name="reports"/>, each delivery report is tracked there, and an output
    /// librdkafka refuses at once for good (too large, malformed) is recorded there and skipped, so the caller learns
    /// of every such output in one attempt; without, that refusal throws.
    /// </summary>
    public static void Enqueue(IProducer<byte[], byte[]> producer, IReadOnlyList<OutgoingMessage> outputs,
        PipelineMetrics metrics, DeliveryReports? reports)
    {
        foreach (var output in outputs)
        {
            var message = new Message<byte[], byte[]> { Key = output.Key!, Value = output.Value, Headers = output.Headers };
            while (true)
            {
                try
                {
                    if (output.Partition is { } partition)
                    {
                        producer.Produce(new TopicPartition(output.Topic, partition), message, reports?.Expect(output));
                    }
                    else
                    {
                        producer.Produce(output.Topic, message, reports?.Expect(output));
                    }

                    metrics.Produced(output.Topic).Inc();
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    reports?.Forget();
                    // The local queue is full: serve delivery reports until there is room again.
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
                catch (ProduceException<byte[], byte[]> e) when (reports is not null && RefusedOutput.IsPermanent(e.Error.Code))
                {
                    reports.Forget();
                    reports.Failed(output, e.Error);
                    break;
                }
            }
        }
    }
}
