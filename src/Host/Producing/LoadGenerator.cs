using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Host.Producing;

/// <summary>
/// Writes a generated stream to Kafka the way a producer would: asynchronous produce with delivery reports
/// (never one await per message), an optional target rate, and a share of malformed records.
/// </summary>
public sealed class LoadGenerator(string bootstrapServers, string topic, IEnumerable<KeyValuePair<string, string>>? settings = null)
{
    public sealed record Report(long Valid, long Malformed, long Failed, TimeSpan Elapsed);

    /// <param name="throttle">Called every 256 records with the valid samples sent so far; may wait (backpressure).</param>
    public async Task<Report> RunAsync(IReadOnlyList<LabelledSample> samples, SampleEncoder encoder, double malformedFraction,
        int seed, double ratePerSecond, int dimension, int classes, Action<long>? progress, CancellationToken cancellationToken,
        Func<long, CancellationToken, Task>? throttle = null)
    {
        // Raw librdkafka settings first (e.g. Kafka:Common security settings); the essentials below win.
        var config = new ProducerConfig(new Dictionary<string, string>(settings ?? []))
        {
            BootstrapServers = bootstrapServers,
            ClientId = "easyhard-produce",
            EnableIdempotence = true,
            LingerMs = 5,
        };
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        var random = new Random(seed);
        long valid = 0, malformed = 0, failed = 0, sent = 0;
        void OnDelivered(DeliveryReport<byte[], byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
            }
        }

        var contentType = Encoding.ASCII.GetBytes(encoder.ContentType);
        var clock = Stopwatch.StartNew();
        foreach (var sample in samples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (malformedFraction > 0 && random.NextDouble() < malformedFraction)
            {
                var bad = MalformedRecords.Create(random.Next(MalformedRecords.Kinds), random, dimension, classes, malformed);
                Produce(producer, new Message<byte[], byte[]> { Key = null!, Value = bad }, OnDelivered);
                malformed++;
                sent++;
            }

            var encoded = encoder.Encode(sample);
            var headers = new Headers { { ContentTypes.HeaderName, contentType } };
            Produce(producer, new Message<byte[], byte[]> { Key = encoded.Key, Value = encoded.Payload, Headers = headers }, OnDelivered);
            valid++;
            sent++;

            if (sent % 256 == 0)
            {
                progress?.Invoke(sent);
                if (throttle is not null)
                {
                    await throttle(valid, cancellationToken);
                }

                if (ratePerSecond > 0)
                {
                    var ahead = TimeSpan.FromSeconds(sent / ratePerSecond) - clock.Elapsed;
                    if (ahead > TimeSpan.Zero)
                    {
                        await Task.Delay(ahead, cancellationToken);
                    }
                }
            }
        }

        while (producer.Flush(TimeSpan.FromMilliseconds(500)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        progress?.Invoke(sent);
        return new Report(valid, malformed, Interlocked.Read(ref failed), clock.Elapsed);
    }

    private void Produce(IProducer<byte[], byte[]> producer, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>> onDelivered)
    {
        while (true)
        {
            try
            {
                producer.Produce(topic, message, onDelivered);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(50));
            }
        }
    }
}
