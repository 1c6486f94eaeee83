using System.Diagnostics;
using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Core.Embedded;
using EasyHard.Core.Hosting.Delivery;
using EasyHard.Core.Hosting.Retention;
using EasyHard.Core.Kafka;
using EasyHard.Core.Observability;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EasyHard.Core.Hosting;

/// <summary>
/// The thin Kafka shell around a role's <see cref="IBatchProcessor"/>: consume a micro-batch, process it on
/// this one thread (<see cref="BatchLoop"/>), then deliver the output and commit the input offsets through the configured
/// <see cref="DeliveryOptions.Guarantee"/>: one Kafka transaction per batch (exactly-once), or produce, await
/// every delivery report, then commit (at-least-once). Offsets are never committed past a record whose output
/// is not durable. A failure that is not bad input (broker or database down) pauses the partitions, backs off
/// and retries the same batch, keeping the group membership alive; fatal client errors stop the host.
/// Records of partitions revoked in a rebalance leave the unfinished batch at once: their new owner starts from
/// the last committed offset, so processing them here too would duplicate them.
/// </summary>
public sealed partial class KafkaBatchWorker : BackgroundService
{
    private readonly KafkaRoleDefinition _definition;
    private readonly IBatchProcessor _processor;
    private readonly KafkaConnection _connection;
    private readonly DeliveryOptions _delivery;
    private readonly RoleReadiness _readiness;
    private readonly TimeProvider _time;
    private readonly ILogger<KafkaBatchWorker> _logger;
    private readonly PipelineMetrics _metrics;
    private readonly OutputScreen _screen;

    public KafkaBatchWorker(KafkaRoleDefinition definition, IBatchProcessor processor, KafkaConnection connection,
        DeliveryOptions delivery, RoleReadiness readiness, TimeProvider time, ILogger<KafkaBatchWorker> logger)
    {
        _definition = definition;
        _processor = processor;
        _connection = connection;
        _delivery = delivery;
        _readiness = readiness;
        _time = time;
        _logger = logger;
        _metrics = PipelineMetrics.For(definition.Role);
        _screen = new OutputScreen(connection.ProducerMessageMaxBytes,
            definition.DeadLetterTopic ?? throw new ArgumentException("the role's dead-letter topic is not set", nameof(definition)),
            definition.Role, logger);
        _readiness.Starting(definition.Role);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        // librdkafka's Consume blocks: give the loop its own thread instead of a pool thread.
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stopping)
    {
        var role = _definition.Role;
        var instance = _delivery.ResolvedInstanceId;
        var clientId = $"easyhard-{role}-{instance}";
        string? transactionalId = _delivery.IsExactlyOnce ? $"easyhard-{role}-{instance}" : null;
        _readiness.Step(role, $"asking Kafka at {_connection.BootstrapServers} for its cluster id");
        if (!_connection.TryDetectMockCluster(stopping, out var mockCluster))
        {
            return;
        }

        var journal = _delivery.UsesOffsetJournal(mockCluster)
            ? new OffsetJournal(_connection, _definition.OffsetJournalTopic, _definition.GroupId,
                TimeSpan.FromMilliseconds(2 * _delivery.TransactionTimeoutMs) + TimeSpan.FromSeconds(10))
            : null;
        var starts = journal is null ? null : new JournalStarts(role, journal.Topic, journal.StartOffsets, _metrics, _readiness, _time, _logger);
        var assignmentWait = new AssignmentWait(role, _definition.GroupId, _connection.ConsumerSessionTimeoutMs, _readiness, _time, _logger);
        var loop = new BatchLoop(_definition, _processor, _screen, starts, assignmentWait, _readiness, _time, _logger);
        using var producer = _connection.CreateProducer(clientId, transactionalId, _delivery.TransactionTimeoutMs);
        using var consumer = _connection.CreateConsumer(_definition.GroupId, clientId, reportOutOfRange: true,
            onAssigned: (_, partitions) => loop.Assigned(partitions),
            onRevoked: (_, partitions) => loop.Revoked(partitions.Select(p => p.TopicPartition), "revoked"),
            onLost: (_, partitions) => loop.Revoked(partitions.Select(p => p.TopicPartition), "lost"));
        using IBatchDelivery delivery = _delivery.IsExactlyOnce
            ? new TransactionalDelivery(producer, consumer, _metrics, _time, TimeSpan.FromMilliseconds(_delivery.TransactionTimeoutMs), journal, stopping)
            : new AtLeastOnceDelivery(producer, consumer, _metrics, _time);
        if (!StartDelivery(delivery, stopping))
        {
            consumer.Close();
            return;
        }

        assignmentWait.Subscribed();
        consumer.Subscribe(_definition.InputTopics);
        LogStarted(role, string.Join(',', _definition.InputTopics), _definition.GroupId, _connection.BootstrapServers, _delivery.Guarantee);
        _readiness.Ready(role);
        _metrics.Ready.Set(1);

        string? fatal = null;
        try
        {
            loop.Run(consumer, delivery, stopping);
        }
        catch (Exception e)
        {
            fatal = $"{e.GetType().Name}: {e.Message}";
            throw;
        }
        finally
        {
            loop.AwaitCommitInFlight();
            _readiness.Stopped(role, fatal);
            _metrics.Ready.Set(0);
            consumer.Close();
            LogStopped(role);
        }
    }

    /// <summary>Prepares the producer, retrying with backoff while Kafka is unreachable; false when stopping first.</summary>
    private bool StartDelivery(IBatchDelivery delivery, CancellationToken stopping)
    {
        for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                _readiness.Step(_definition.Role, "preparing the producer");
                delivery.Start();
                return true;
            }
            catch (KafkaException e) when (!e.Error.IsFatal)
            {
                var kind = $"kafka_{e.Error.Code}";
                _metrics.Errors(kind).Inc();
                _readiness.NotReady(_definition.Role, $"starting: retrying after {kind}: {e.Message}");
                var backoff = RetryBackoff.After(attempt);
                LogRetryingStart(e, _definition.Role, attempt, backoff.TotalMilliseconds);
                stopping.WaitHandle.WaitOne(backoff);
            }
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} consuming {Topics} as group {GroupId} from {BootstrapServers}, {Guarantee}")]
    private partial void LogStarted(string role, string topics, string groupId, string bootstrapServers, string guarantee);
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Role} could not prepare its producer (attempt {Attempt}); retrying in {BackoffMs:F0} ms")]
    private partial void LogRetryingStart(Exception exception, string role, int attempt, double backoffMs);
    [LoggerMessage(Level = LogLevel.Information, Message = "{Role} stopped: batch drained, producer flushed, offsets committed, consumer closed")]
    private partial void LogStopped(string role);
}
