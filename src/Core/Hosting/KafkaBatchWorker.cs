using System.Diagnostics;
using Confluent.Kafka;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EasyHard.Core.Hosting;

/// <summary>
/// The thin Kafka shell around a role's <see cref="IBatchProcessor"/>: consume a micro-batch, process it on
/// this one thread, produce the output and wait for every delivery report, then commit the input offsets.
/// Offsets are therefore never committed past a record whose output is not durable (at-least-once).
/// A failure that is not bad input (broker or database down) pauses the partitions, backs off and retries
/// the same batch, keeping the group membership alive; fatal client errors stop the host.
/// </summary>
public sealed partial class KafkaBatchWorker : BackgroundService
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly KafkaRoleDefinition _definition;
    private readonly IBatchProcessor _processor;
    private readonly KafkaConnection _connection;
    private readonly RoleReadiness _readiness;
    private readonly TimeProvider _time;
    private readonly ILogger<KafkaBatchWorker> _logger;
    private readonly PipelineMetrics _metrics;

    public KafkaBatchWorker(KafkaRoleDefinition definition, IBatchProcessor processor, KafkaConnection connection,
        RoleReadiness readiness, TimeProvider time, ILogger<KafkaBatchWorker> logger)
    {
        _definition = definition;
        _processor = processor;
        _connection = connection;
        _readiness = readiness;
        _time = time;
        _logger = logger;
        _metrics = PipelineMetrics.For(definition.Role);
        _readiness.Starting(definition.Role);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // librdkafka's Consume blocks: give the loop its own thread instead of a pool thread.
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stopping)
    {
        var role = _definition.Role;
        var clientId = $"easyhard-{role}-{Environment.MachineName}-{Environment.ProcessId}";
        using var producer = _connection.CreateProducer(clientId);
        using var consumer = _connection.CreateConsumer(_definition.GroupId, clientId,
            onAssigned: (_, partitions) => LogAssigned(role, string.Join(',', partitions)),
            onRevoked: (_, partitions) => LogRevoked(role, string.Join(',', partitions)));
        consumer.Subscribe(_definition.InputTopics);
        LogStarted(role, string.Join(',', _definition.InputTopics), _definition.GroupId, _connection.BootstrapServers);
        _readiness.Ready(role);
        _metrics.Ready.Set(1);

        var batch = new List<ConsumeResult<byte[], byte[]>>(_definition.Batching.MaxBatchSize);
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                CollectBatch(consumer, batch, stopping);
                if (batch.Count > 0)
                {
                    // A batch in hand is finished even when stopping began while it was being collected.
                    ProcessUntilCommitted(consumer, producer, batch, stopping);
                    batch.Clear();
                }
            }
        }
        finally
        {
            _readiness.Stopped(role);
            _metrics.Ready.Set(0);
            producer.Flush(TimeSpan.FromSeconds(10));
            consumer.Close();
            LogStopped(role);
        }
    }

    private void CollectBatch(IConsumer<byte[], byte[]> consumer, List<ConsumeResult<byte[], byte[]>> batch, CancellationToken stopping)
    {
        var maxDelay = TimeSpan.FromMilliseconds(_definition.Batching.MaxBatchDelayMs);
        long firstArrival = 0;
        while (batch.Count < _definition.Batching.MaxBatchSize)
        {
            var wait = IdlePoll;
            if (batch.Count > 0)
            {
                var remaining = maxDelay - _time.GetElapsedTime(firstArrival);
                if (remaining <= TimeSpan.Zero)
                {
                    return;
                }

                wait = remaining < IdlePoll ? remaining : IdlePoll;
            }
            else if (stopping.IsCancellationRequested)
            {
                return;
            }

            var result = consumer.Consume(wait);
            if (result is null || result.IsPartitionEOF)
            {
                if (stopping.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (batch.Count == 0)
            {
                firstArrival = _time.GetTimestamp();
            }

            batch.Add(result);
        }
    }

    private void ProcessUntilCommitted(IConsumer<byte[], byte[]> consumer, IProducer<byte[], byte[]> producer,
        List<ConsumeResult<byte[], byte[]>> batch, CancellationToken stopping)
    {
        var role = _definition.Role;
        _metrics.Consumed.Inc(batch.Count);
        _metrics.BatchSize.Observe(batch.Count);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var started = _time.GetTimestamp();
                // Cancellation is not passed in: a started batch runs to completion so that shutdown drains it.
                var outputs = _processor.ProcessAsync(batch, CancellationToken.None).GetAwaiter().GetResult();
                _metrics.BatchDuration.Observe(_time.GetElapsedTime(started).TotalSeconds);

                ProduceAndAwaitDelivery(producer, outputs);
                Commit(consumer, batch);
                if (attempt > 1)
                {
                    consumer.Resume(consumer.Assignment);
                    LogRecovered(role, attempt - 1);
                }

                _readiness.Ready(role);
                _metrics.Ready.Set(1);
                return;
            }
            catch (KafkaException e) when (e.Error.IsFatal)
            {
                LogFatal(e, role, e.Error.Reason);
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var kind = e is KafkaException ke ? $"kafka_{ke.Error.Code}" : e.GetType().Name;
                _metrics.Errors(kind).Inc();
                _metrics.Ready.Set(0);
                _readiness.NotReady(role, $"retrying after {kind}: {e.Message}");
                var backoff = Backoff(attempt);
                LogRetrying(e, role, batch.Count, attempt, backoff.TotalMilliseconds);
                if (attempt == 1)
                {
                    consumer.Pause(consumer.Assignment);
                }

                if (KeepAliveUntil(consumer, backoff, stopping))
                {
                    // Stopping while the batch cannot be completed: its offsets stay uncommitted and the
                    // records are delivered again to whoever owns the partitions next. Nothing is lost.
                    LogAbandoned(role, batch.Count);
                    return;
                }
            }
        }
    }

    private void ProduceAndAwaitDelivery(IProducer<byte[], byte[]> producer, IReadOnlyList<OutgoingMessage> outputs)
    {
        if (outputs.Count == 0)
        {
            return;
        }

        var started = _time.GetTimestamp();
        var pending = outputs.Count;
        Error? firstError = null;
        void OnDelivered(DeliveryReport<byte[], byte[]> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.CompareExchange(ref firstError, report.Error, null);
            }

            Interlocked.Decrement(ref pending);
        }

        foreach (var output in outputs)
        {
            var message = new Message<byte[], byte[]> { Key = output.Key!, Value = output.Value, Headers = output.Headers };
            while (true)
            {
                try
                {
                    producer.Produce(output.Topic, message, OnDelivered);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }

            _metrics.Produced(output.Topic).Inc();
        }

        // Delivery reports arrive through Poll/Flush; librdkafka's own retries and message.timeout.ms bound this.
        while (Volatile.Read(ref pending) > 0)
        {
            producer.Flush(TimeSpan.FromMilliseconds(200));
        }

        _metrics.ProduceDuration.Observe(_time.GetElapsedTime(started).TotalSeconds);
        if (firstError is not null)
        {
            throw new KafkaException(firstError);
        }
    }

    private void Commit(IConsumer<byte[], byte[]> consumer, List<ConsumeResult<byte[], byte[]>> batch)
    {
        var started = _time.GetTimestamp();
        var next = new Dictionary<TopicPartition, long>();
        foreach (var record in batch)
        {
            var offset = record.Offset.Value + 1;
            if (!next.TryGetValue(record.TopicPartition, out var current) || offset > current)
            {
                next[record.TopicPartition] = offset;
            }
        }

        consumer.Commit(next.Select(kv => new TopicPartitionOffset(kv.Key, kv.Value)));
        _metrics.CommitDuration.Observe(_time.GetElapsedTime(started).TotalSeconds);
        _metrics.Committed.Inc(batch.Count);
        foreach (var (partition, offset) in next)
        {
            var watermarks = consumer.GetWatermarkOffsets(partition);
            if (watermarks.High != Offset.Unset)
            {
                _metrics.Lag(partition.Topic, partition.Partition.Value).Set(Math.Max(0, watermarks.High.Value - offset));
            }
        }
    }

    /// <summary>Polls the paused consumer (keeping its group membership) until the backoff ends; true when stopping.</summary>
    private bool KeepAliveUntil(IConsumer<byte[], byte[]> consumer, TimeSpan backoff, CancellationToken stopping)
    {
        var started = _time.GetTimestamp();
        while (_time.GetElapsedTime(started) < backoff)
        {
            if (stopping.IsCancellationRequested)
            {
                return true;
            }

            // Partitions are paused: this returns no records but serves rebalances and heartbeats.
            consumer.Consume(IdlePoll);
        }

        return stopping.IsCancellationRequested;
    }

    private static TimeSpan Backoff(int attempt)
    {
        var millis = Math.Min(MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt, 20)));
        return TimeSpan.FromMilliseconds(millis * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} consuming {Topics} as group {GroupId} from {BootstrapServers}")]
    private partial void LogStarted(string role, string topics, string groupId, string bootstrapServers);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} assigned {Partitions}")]
    private partial void LogAssigned(string role, string partitions);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} revoked {Partitions}")]
    private partial void LogRevoked(string role, string partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} failed a batch of {Count} records (attempt {Attempt}); retrying in {BackoffMs:F0} ms")]
    private partial void LogRetrying(Exception exception, string role, int count, int attempt, double backoffMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} recovered after {Failures} failed attempts")]
    private partial void LogRecovered(string role, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} stopping with an uncommitted batch of {Count} records; they will be delivered again")]
    private partial void LogAbandoned(string role, int count);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Role} hit a fatal Kafka error: {Reason}")]
    private partial void LogFatal(Exception exception, string role, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} stopped: batch drained, producer flushed, offsets committed, consumer closed")]
    private partial void LogStopped(string role);
}
