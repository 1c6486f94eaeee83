using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Common;

/// <summary>
/// The benchmarks' load: produces encoded samples at a target rate (or as fast as possible) with the client settings
/// of <see cref="Host.Producing.LoadGenerator"/>, stamps each record's timestamp and tells the tracker the same instant,
/// and keeps at most <c>maxBacklog</c> samples between the producer and the end of the pipeline. The embedded mock
/// cluster keeps only about 5 MB per partition and deletes older records, so an unbounded producer would lose
/// records (the demo bounds its backlog for the same reason). One instance serves every run on its topic, as an
/// upstream producer lives on: a new client's first deliveries wait for its connections and producer id (measured:
/// up to 0.5 s, which a fresh client per run put into the first records' latency).
/// </summary>
public sealed class BenchProducer : IDisposable
{
    /// <summary>Bytes of one partition the backlog may fill: the mock cluster's limit is 5 MB, keep margin for skew.</summary>
    private const long PartitionBudgetBytes = 3_500_000;

    /// <summary>
    /// How long a record may wait for the broker's acknowledgement before its delivery fails (librdkafka's default is
    /// 5 min): after a mock broker's outage its connections sometimes stay unanswered, and a run must learn in bounded
    /// time which of its samples the broker never took.
    /// </summary>
    private static readonly TimeSpan MessageTimeout = TimeSpan.FromSeconds(30);

    private readonly string topic;
    private readonly IProducer<byte[], byte[]> producer;

    public BenchProducer(string bootstrapServers, string topic)
    {
        this.topic = topic;
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "easyhard-bench-produce",
            EnableIdempotence = true,
            LingerMs = 5,
            MessageTimeoutMs = (int)MessageTimeout.TotalMilliseconds,
        };
        producer = new ProducerBuilder<byte[], byte[]>(config).Build();
    }

    /// <param name="FailedIndexes">
    /// Indexes of the samples the broker did not acknowledge: their delivery failed, or no delivery report came within
    /// the message timeout after the load stopped. A failed delivery may still have been written (librdkafka's
    /// <c>PossiblyPersisted</c>), so such a sample may yet appear downstream, once.
    /// </param>
    public sealed record Result(long Sent, long Failed, TimeSpan Elapsed, IReadOnlyList<long> FailedIndexes);

    /// <summary>Samples that may be in flight so that no partition of any pipeline topic exceeds its retention.</summary>
    /// <param name="largestRecordBytes">The largest record a sample becomes on any topic it crosses.</param>
    public static int MaxBacklogFor(int largestRecordBytes, int partitions) =>
        (int)Math.Clamp(PartitionBudgetBytes * partitions / Math.Max(1, largestRecordBytes), 256, 4096);

    /// <summary>The largest record of a sample: the canonical form carries the parsed features and the original payload.</summary>
    public static int LargestRecordBytes(int payloadBytes, int dimension) => payloadBytes + (dimension * sizeof(float)) + 256;

    /// <param name="count">Samples to send (long.MaxValue: until cancelled).</param>
    /// <param name="sample">The encoded sample of an index; its id must end in the index (see <see cref="SampleKeys"/>).</param>
    /// <param name="ratePerSecond">0 = as fast as the backlog allows.</param>
    /// <param name="stall">Fails when nothing arrives for this long while the backlog is full (lost records).</param>
    /// <param name="first">The index of the first sample: a run may send one slice of a dataset after another.</param>
    public Result Run(long count, Func<long, EncodedSample> sample, ArrivalTracker tracker, double ratePerSecond, int maxBacklog,
        TimeSpan stall, CancellationToken cancellationToken, long first = 0)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentNullException.ThrowIfNull(tracker);
        var failedIndexes = new System.Collections.Concurrent.ConcurrentBag<long>();
        // Every sample handed to the producer until its delivery report: the ones left here at the end were never acknowledged.
        var unreported = new System.Collections.Concurrent.ConcurrentDictionary<long, byte>();
        void OnDelivered(DeliveryReport<byte[], byte[]> report)
        {
            var index = SampleKeys.IndexOf(report.Message.Key);
            unreported.TryRemove(index, out _);
            if (report.Error.IsError)
            {
                failedIndexes.Add(index);
            }
        }

        var contentTypes = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var started = Stopwatch.GetTimestamp();
        long sent = 0;
        TimeoutException? stalled = null;
        for (long index = first; index < first + count && !cancellationToken.IsCancellationRequested; index++)
        {
            try
            {
                WaitForBacklog(tracker, maxBacklog, stall, cancellationToken);
            }
            catch (TimeoutException e)
            {
                stalled = e;
                break;
            }

            if (ratePerSecond > 0)
            {
                var ahead = TimeSpan.FromSeconds((index - first) / ratePerSecond) - Stopwatch.GetElapsedTime(started);
                if (ahead >= TimeSpan.FromMilliseconds(1))
                {
                    cancellationToken.WaitHandle.WaitOne(ahead);
                }
            }

            var encoded = sample(index);
            if (!contentTypes.TryGetValue(encoded.ContentType, out var contentType))
            {
                contentType = Encoding.ASCII.GetBytes(encoded.ContentType);
                contentTypes[encoded.ContentType] = contentType;
            }

            var message = new Message<byte[], byte[]>
            {
                Key = encoded.Key,
                Value = encoded.Payload,
                Headers = new Headers { { ContentTypes.HeaderName, contentType } },
                Timestamp = new Timestamp(DateTime.UtcNow, TimestampType.CreateTime),
            };
            tracker.MarkSent(index, Stopwatch.GetTimestamp());
            unreported[index] = 0;
            ProduceWhenQueueAllows(message, OnDelivered);
            sent++;
        }

        // Stopping the load is not giving up on what was sent: wait for every delivery report (the message timeout bounds it),
        // so that a sample counts as produced only when the broker acknowledged it.
        var flushing = Stopwatch.StartNew();
        while (producer.Flush(TimeSpan.FromMilliseconds(500)) > 0 && flushing.Elapsed < MessageTimeout + TimeSpan.FromSeconds(10))
        {
        }

        long[] notAcknowledged = [.. failedIndexes.Concat(unreported.Keys).Distinct()];
        var result = new Result(sent, notAcknowledged.Length, Stopwatch.GetElapsedTime(started), notAcknowledged);
        return stalled is null ? result : throw new ProducerStalledException(stalled.Message, result);
    }

    public void Dispose() => producer.Dispose();

    private void ProduceWhenQueueAllows(Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>> onDelivered)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                producer.Produce(topic, message, onDelivered);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull && attempt < 10_000)
            {
                producer.Poll(TimeSpan.FromMilliseconds(10));
            }
        }
    }

    private static void WaitForBacklog(ArrivalTracker tracker, int maxBacklog, TimeSpan stall, CancellationToken cancellationToken)
    {
        if (tracker.InFlight < maxBacklog)
        {
            return;
        }

        var arrived = tracker.Arrived;
        var since = Stopwatch.GetTimestamp();
        while (tracker.InFlight >= maxBacklog && !cancellationToken.IsCancellationRequested)
        {
            Thread.Sleep(1);
            if (tracker.Arrived != arrived)
            {
                arrived = tracker.Arrived;
                since = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(since) > stall)
            {
                throw new TimeoutException($"Nothing arrived for {stall.TotalSeconds:F0} s with {tracker.InFlight:N0} samples in flight: the pipeline stalled or lost records.");
            }
        }
    }
}

/// <summary>
/// The load stopped because nothing arrived for too long; <see cref="Result"/> still says which samples the broker never
/// acknowledged (the producer waited for every delivery report before throwing), so a verifier can tell samples the
/// pipeline lost from samples that never reached the broker.
/// </summary>
public sealed class ProducerStalledException(string message, BenchProducer.Result result) : TimeoutException(message)
{
    public BenchProducer.Result Result { get; } = result;
}
