using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Scoring;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer.Sync;

/// <summary>
/// One model across scorer instances (<c>Scorer:Sync</c>): every <c>IntervalBatches</c> full batches' worth of samples
/// (more often at first, <see cref="SyncSchedule"/>) the instance publishes its proxy and class statistics to <c>Topics:Model</c> (key = its instance id, so a compacted
/// topic keeps one record per instance) and averages in the peers' models it has not merged yet
/// (<see cref="ParameterAveraging"/>). A starting instance first reads the topic and begins from the fleet's average
/// when that is newer than its checkpoint. Model messages are advisory, outside the batches' transactions: a lost or
/// late one delays a merge, never a sample. The Kafka shell of the exchange; the arithmetic is in the engine's
/// <see cref="ModelExchange"/>.
/// </summary>
public sealed partial class ModelSync : BackgroundService
{
    private readonly ScoringEngine engine;
    private readonly SyncOptions sync;
    private readonly string topic;
    private readonly string instance;
    private readonly KafkaConnection? connection;
    private readonly PeerModels peers;
    private readonly ILogger<ModelSync> logger;
    private readonly int batchSize;
    private int exchanges;
    private IConsumer<byte[], byte[]>? reader;
    private IProducer<byte[], byte[]>? producer;
    private long sequence;
    private long seenAtPublish;
    private long seenAtMerge;

    public ModelSync(IServiceProvider services, ScoringEngine engine, IOptions<ScorerOptions> options, IOptions<TopicOptions> topics,
        IOptions<DeliveryOptions> delivery, TimeProvider time, ILogger<ModelSync> logger)
    {
        ArgumentNullException.ThrowIfNull(services);
        this.engine = engine;
        this.logger = logger;
        sync = options.Value.Sync;
        topic = topics.Value.Model;
        instance = delivery.Value.ResolvedInstanceId;
        connection = services.GetService<KafkaConnection>();
        batchSize = options.Value.Batching.MaxBatchSize;
        peers = new PeerModels(instance, TimeSpan.FromSeconds(sync.MaxAgeSeconds), time);
    }

    private bool Active => sync.Enabled && connection is not null;

    /// <summary>Reads the model topic to its end and starts the engine from the fleet's model when that is newer.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Active)
        {
            reader = connection!.CreateReader($"easyhard-model-reader-{instance}-{Guid.NewGuid():N}");
            producer = connection.CreateProducer($"easyhard-scorer-sync-{instance}");
            await Task.Run(() => CatchUp(cancellationToken), cancellationToken);
            StartFromFleet();
        }

        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Active
        ? Task.Factory.StartNew(() => Follow(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
        : Task.CompletedTask;

    /// <summary>
    /// After each scored batch, on the scoring thread: once the <see cref="SyncSchedule"/> says enough samples were scored
    /// since the last publication, publishes this instance's model and merges the peers' new ones.
    /// </summary>
    public void AfterBatch()
    {
        if (producer is null)
        {
            return;
        }

        long seen = engine.SamplesSeen;
        if (seen - seenAtPublish < SyncSchedule.SamplesBefore(exchanges, sync.IntervalBatches, batchSize))
        {
            return;
        }

        Publish(seen);
        Merge(seen);
    }

    private void Publish(long seen)
    {
        var snapshot = engine.ExportModel(instance, ++sequence, seen - seenAtMerge);
        var bytes = snapshot.ToByteArray();
        seenAtPublish = seen;
        try
        {
            producer!.Produce(topic, new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes(instance), Value = bytes }, report =>
            {
                if (report.Error.IsError)
                {
                    SyncMetrics.Result("failed").Inc();
                    LogPublishFailed(topic, report.Error.Reason);
                }
            });
        }
        catch (KafkaException e)
        {
            // Refused at once (larger than message.max.bytes, a full queue): the next publication tries again; the
            // batch that triggered it is not the model's to fail.
            SyncMetrics.Result("failed").Inc();
            LogPublishFailed(topic, $"{e.Error.Reason} ({bytes.Length:N0} bytes)");
            return;
        }

        exchanges++;
        SyncMetrics.Published.Inc();
        SyncMetrics.PublishedBytes.Inc(bytes.Length);
    }

    private void Merge(long seen)
    {
        var fresh = peers.TakeUnmerged();
        double own = seen - seenAtMerge;
        if (fresh.Count == 0 || own + fresh.Sum(f => f.Weight) <= 0)
        {
            return;
        }

        engine.MergePeers(fresh, own);
        seenAtMerge = seen;
        SyncMetrics.Merges.Inc();
        SyncMetrics.Peers.Set(fresh.Count);
        SyncMetrics.Result("merged").Inc(fresh.Count);
        LogMerged(fresh.Count, engine.ModelVersion);
    }

    private void StartFromFleet()
    {
        sequence = peers.OwnLastSequence() ?? 0;
        var start = peers.TakeStart();
        if (start.Count > 0 && start.Max(s => s.Model.ModelVersion) > engine.ModelVersion)
        {
            long before = engine.ModelVersion;
            engine.MergePeers(start, ownWeight: 0);
            LogStartedFromFleet(start.Count, before, engine.ModelVersion);
        }
        else
        {
            LogStartedOwn(start.Count, engine.ModelVersion);
        }

        seenAtPublish = seenAtMerge = engine.SamplesSeen;
        // A model trained already (checkpoint or fleet) is past the young fleet's frequent exchanges.
        exchanges = engine.ModelVersion > 0 ? SyncSchedule.Mature : 0;
    }

    /// <summary>Reads every partition of the model topic up to its end (or until <c>StartTimeoutSeconds</c>).</summary>
    private void CatchUp(CancellationToken cancellationToken)
    {
        if (Partitions() is not { } partitions)
        {
            LogTopicMissing(topic);
            return;
        }

        var unfinished = PartitionsToEnd.Read(reader!, partitions, TimeSpan.FromSeconds(sync.StartTimeoutSeconds),
            record => Offer(record.Message.Value, starting: true), error => LogReadError(topic, error.Reason), cancellationToken);
        if (unfinished.Count > 0)
        {
            LogCatchUpIncomplete(topic, unfinished.Count, sync.StartTimeoutSeconds);
        }

        // Followed from here on: where the catch-up stopped, and from the beginning where it had nothing to read.
        var read = reader!.Assignment.ToDictionary(p => p, p => reader.Position(p));
        reader.Assign(partitions.Select(p => new TopicPartitionOffset(p, read.GetValueOrDefault(p, Offset.Beginning) is { IsSpecial: false } at ? at : Offset.Beginning)));
    }

    /// <summary>Follows the topic for the peers' new models until stopping.</summary>
    private void Follow(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (reader!.Assignment.Count == 0 && !TryAssignAll())
                {
                    stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(5));
                    continue;
                }

                try
                {
                    var record = reader.Consume(stoppingToken);
                    if (record is { IsPartitionEOF: false, Message: not null })
                    {
                        Offer(record.Message.Value, starting: false);
                    }
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    LogReadError(topic, e.Error.Reason);
                    stoppingToken.WaitHandle.WaitOne(TimeSpan.FromSeconds(1));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Every partition of the topic from its beginning (a topic that did not exist at start); false while it does not.</summary>
    private bool TryAssignAll()
    {
        if (Partitions() is not { } partitions)
        {
            return false;
        }

        reader!.Assign(partitions.Select(p => new TopicPartitionOffset(p, Offset.Beginning)));
        return true;
    }

    /// <summary>Every partition of the topic; null when the topic does not exist (yet).</summary>
    private List<TopicPartition>? Partitions()
    {
        using var admin = connection!.CreateAdminClient();
        try
        {
            var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.FirstOrDefault(t => t.Topic == topic);
            return metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0
                ? null
                : [.. metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId))];
        }
        catch (KafkaException e)
        {
            LogReadError(topic, e.Error.Reason);
            return null;
        }
    }

    /// <summary>Decodes one message and keeps it as its instance's latest; counts why when it is ignored.</summary>
    private void Offer(byte[]? value, bool starting)
    {
        ModelSnapshot snapshot;
        try
        {
            snapshot = ModelSnapshot.Parser.ParseFrom(value ?? []);
        }
        catch (InvalidProtocolBufferException)
        {
            SyncMetrics.Result("malformed").Inc();
            return;
        }

        if (snapshot.Instance == instance && !starting)
        {
            SyncMetrics.Result("own").Inc();
            return;
        }

        if (engine.DecodePeer(snapshot, out var reason) is not { } model)
        {
            SyncMetrics.Result(reason ?? "malformed").Inc();
            LogIgnored(snapshot.Instance, reason ?? "malformed");
            return;
        }

        if (!peers.Offer(new PeerModels.Entry(model, snapshot.CreatedUnixMs, snapshot.SamplesSinceMerge)))
        {
            SyncMetrics.Result("superseded").Inc();
        }
    }

    /// <summary>Stops following the topic, then sends what is still queued (best effort: a model not published only delays a merge).</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            producer?.Flush(TimeSpan.FromSeconds(5));
        }
        catch (KafkaException)
        {
        }
    }

    /// <summary>Registered as a singleton and as a hosted service, so disposed twice: the second time finds nothing left.</summary>
    public override void Dispose()
    {
        Interlocked.Exchange(ref producer, null)?.Dispose();
        if (Interlocked.Exchange(ref reader, null) is { } consumer)
        {
            consumer.Close();
            consumer.Dispose();
        }

        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish this scorer's model to {Topic}: {Reason}")]
    private partial void LogPublishFailed(string topic, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Merged {Peers} peer models; model version {ModelVersion}")]
    private partial void LogMerged(int peers, long modelVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scorer started from the average of {Models} models on the model topic: model version {Before} -> {After}")]
    private partial void LogStartedFromFleet(int models, long before, long after);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scorer kept its own state at model version {ModelVersion} ({Models} models on the model topic, none newer)")]
    private partial void LogStartedOwn(int models, long modelVersion);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model topic {Topic} does not exist yet; this scorer starts on its own and looks again every 5 s")]
    private partial void LogTopicMissing(string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading model topic {Topic}: {Reason}")]
    private partial void LogReadError(string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model topic {Topic}: {Pending} partitions not read to their end within {Seconds} s; starting with what was read")]
    private partial void LogCatchUpIncomplete(string topic, int pending, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored the model of scorer {Instance}: {Reason}")]
    private partial void LogIgnored(string instance, string reason);
}
