using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Core.Embedded;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Core.Kafka;

/// <summary>
/// Resolves where Kafka is (a real cluster, or the in-process mock cluster for <c>embedded</c>) and builds
/// clients from the bound librdkafka settings. One per process.
/// </summary>
public sealed class KafkaConnection : IDisposable
{
    private readonly KafkaOptions _options;
    private readonly Lazy<EmbeddedKafkaCluster?> _embedded;
    private readonly KafkaLogForwarder? _log;
    private readonly Lock _detectLock = new();
    private bool? _detectedMock;

    /// <summary>How long one request for the cluster id may take; it is asked again until a broker answers.</summary>
    private static readonly TimeSpan ClusterIdWait = TimeSpan.FromSeconds(2);

    /// <summary>The consumers' session timeout on the mock cluster unless <c>Kafka:Consumer:SessionTimeoutMs</c> sets one.</summary>
    public const int EmbeddedSessionTimeoutMs = 10_000;

    /// <summary>
    /// How long a consumer waits for an answer on the mock cluster before it drops the connection and asks again, unless
    /// <c>Kafka:Consumer:SocketTimeoutMs</c> sets it. After one of its brokers has been down and up again, the mock
    /// sometimes leaves requests on a connection to that broker unanswered (librdkafka logs <c>REQTMOUT ... Timed out N
    /// in-flight</c>); with librdkafka's default of 60 s a fetch left so stops its partitions for a minute, long enough
    /// for a producer ahead of it to outrun the mock's retention.
    /// </summary>
    public const int MockSocketTimeoutMs = 10_000;

    /// <param name="options">The bound <c>Kafka</c> section.</param>
    /// <param name="topics">Topic names (the embedded cluster creates them).</param>
    /// <param name="loggerFactory">Where librdkafka's logs go (deduplicated); without one they go to standard error.</param>
    public KafkaConnection(IOptions<KafkaOptions> options, IOptions<TopicOptions> topics, ILoggerFactory? loggerFactory = null)
    {
        _options = options.Value;
        _log = loggerFactory is null ? null : new KafkaLogForwarder(loggerFactory.CreateLogger("EasyHard.Kafka.librdkafka"), TimeProvider.System,
            $"Kafka:BootstrapServers={_options.BootstrapServers}");
        var topicOptions = topics.Value;
        _embedded = new Lazy<EmbeddedKafkaCluster?>(() =>
        {
            if (!_options.IsEmbedded)
            {
                return null;
            }

            var cluster = new EmbeddedKafkaCluster(_options.EmbeddedBrokers);
            cluster.CreateTopics(topicOptions.All(), topicOptions.Partitions);
            return cluster;
        });
    }

    /// <summary>The mock cluster when running embedded, else null.</summary>
    public EmbeddedKafkaCluster? Embedded => _embedded.Value;

    /// <summary>True when <c>Kafka:BootstrapServers</c> is <c>embedded</c> (librdkafka's mock cluster in this process).</summary>
    public bool IsEmbedded => _options.IsEmbedded;

    /// <summary>
    /// True when Kafka is librdkafka's mock cluster: embedded, or reached by address (<c>easyhard kafka</c>) and found to
    /// be one by <see cref="TryDetectMockCluster"/>. Until that has run, only the embedded case is known.
    /// </summary>
    public bool IsMockCluster => _options.IsEmbedded || _detectedMock == true;

    private static bool Answers(IAdminClient admin)
    {
        try
        {
            return admin.GetMetadata(ClusterIdWait).Brokers.Count > 0;
        }
        catch (KafkaException)
        {
            return false;
        }
    }

    /// <summary>The role consumers' session timeout: what a killed member's partitions wait for before they move.</summary>
    public int ConsumerSessionTimeoutMs =>
        _options.Consumer.SessionTimeoutMs ?? (IsMockCluster ? EmbeddedSessionTimeoutMs : LibrdkafkaSessionTimeoutMs);

    private const int LibrdkafkaSessionTimeoutMs = 45_000;

    /// <summary>
    /// Asks the cluster for its id, once per process, to tell librdkafka's mock cluster (which, for one, does not store
    /// transactional offsets) from Kafka. Waits until a broker answers; false only when <paramref name="cancel"/> fires first.
    /// </summary>
    public bool TryDetectMockCluster(CancellationToken cancel, out bool isMock)
    {
        isMock = true;
        if (_options.IsEmbedded)
        {
            return true;
        }

        lock (_detectLock)
        {
            if (_detectedMock is null)
            {
                using var admin = CreateAdminClient();
                string? id;
                while ((id = MockClusterNative.ClusterId(admin.Handle, ClusterIdWait)) is null)
                {
                    if (Answers(admin))
                    {
                        // A broker answers now: its metadata carries the cluster id, unless it has none (Kafka before
                        // 0.10.1), which is not the mock: the mock always reports one.
                        id = MockClusterNative.ClusterId(admin.Handle, ClusterIdWait) ?? string.Empty;
                        break;
                    }

                    if (cancel.IsCancellationRequested)
                    {
                        isMock = false;
                        return false;
                    }
                }

                _detectedMock = id.StartsWith(MockClusterNative.ClusterIdPrefix, StringComparison.Ordinal);
            }

            isMock = _detectedMock.Value;
            return true;
        }
    }

    public string BootstrapServers => _embedded.Value?.BootstrapServers ?? _options.BootstrapServers;

    /// <summary>The largest record this process's producers send (<see cref="KafkaOptions.ProducerMessageMaxBytes"/>).</summary>
    public int ProducerMessageMaxBytes => _options.ProducerMessageMaxBytes;

    /// <summary>
    /// A consumer for a role: manual commits (offsets are committed by the shell only after the batch's
    /// output is durable), reads only committed transactional data, starts from the earliest offset. With
    /// <paramref name="reportOutOfRange"/> a position the broker cannot serve surfaces as a
    /// <see cref="ErrorCode.Local_AutoOffsetReset"/> consume error instead of a silent jump to the earliest offset.
    /// </summary>
    public IConsumer<byte[], byte[]> CreateConsumer(string groupId, string clientId, bool reportOutOfRange = false,
        Func<IConsumer<byte[], byte[]>, List<TopicPartition>, IEnumerable<TopicPartitionOffset>>? onAssigned = null,
        Action<IConsumer<byte[], byte[]>, List<TopicPartitionOffset>>? onRevoked = null,
        Action<IConsumer<byte[], byte[]>, List<TopicPartitionOffset>>? onLost = null)
    {
        var config = new ConsumerConfig(WithCommon(_options.Consumer))
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            ClientId = clientId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
        };
        // For a role, not earliest: librdkafka would silently skip records the broker deleted before they were read.
        // With `error` it reports the position it could not fetch; the worker counts the loss and goes on from the
        // earliest record (RetentionLossRecovery), where a group without a committed position starts too.
        config.AutoOffsetReset ??= reportOutOfRange ? AutoOffsetReset.Error : AutoOffsetReset.Earliest;
        config.IsolationLevel ??= IsolationLevel.ReadCommitted;
        config.PartitionAssignmentStrategy ??= PartitionAssignmentStrategy.CooperativeSticky;
        if (IsMockCluster)
        {
            // The mock cluster holds an empty fetch for the whole fetch.wait.max.ms (500 ms by default) instead of
            // answering when data arrives (rdkafka_mock_handlers.c), adding up to that much latency per hop.
            config.FetchWaitMaxMs ??= 10;
            // Its classic group coordinator ignores group.instance.id (static membership; rdkafka_mock_cgrp.c matches
            // members by member id only), so a member killed without leaving keeps its partitions until its session
            // expires, and every join waits up to that long for the others: librdkafka's 45 s default makes a restart
            // after kill -9 a 45 s stall. Heartbeats every second keep a live member well inside 10 s.
            config.SessionTimeoutMs ??= EmbeddedSessionTimeoutMs;
            config.HeartbeatIntervalMs ??= 1_000;
            config.SocketTimeoutMs ??= MockSocketTimeoutMs;
        }

        if (config.Get("dotnet.consumer.consume.result.fields") is null)
        {
            // Headers (content-type), timestamp (latency) and topic are all the shell reads.
            config.ConsumeResultFields = "headers,timestamp,topic";
        }
        var builder = new ConsumerBuilder<byte[], byte[]>(config);
        if (onAssigned is not null)
        {
            builder.SetPartitionsAssignedHandler(onAssigned);
        }

        if (onRevoked is not null)
        {
            builder.SetPartitionsRevokedHandler(onRevoked);
        }

        if (onLost is not null)
        {
            builder.SetPartitionsLostHandler(onLost);
        }

        if (_log is not null)
        {
            builder.SetLogHandler(_log.OnLog).SetErrorHandler(_log.OnError);
        }

        return builder.Build();
    }

    /// <summary>
    /// An idempotent producer (acks=all, no reordering on retry); transactional when <paramref name="transactionalId"/>
    /// is given (exactly-once delivery).
    /// </summary>
    public IProducer<byte[], byte[]> CreateProducer(string clientId, string? transactionalId = null, int transactionTimeoutMs = 60_000)
    {
        var config = new ProducerConfig(WithCommon(_options.Producer))
        {
            BootstrapServers = BootstrapServers,
            ClientId = clientId,
        };
        if (transactionalId is not null)
        {
            config.TransactionalId = transactionalId;
            config.TransactionTimeoutMs ??= transactionTimeoutMs;
        }

        config.EnableIdempotence ??= true;
        config.Acks ??= Acks.All;
        config.LingerMs ??= 5;
        config.MessageMaxBytes ??= KafkaOptions.DefaultProducerMessageMaxBytes;
        var builder = new ProducerBuilder<byte[], byte[]>(config);
        if (_log is not null)
        {
            builder.SetLogHandler(_log.OnLog).SetErrorHandler(_log.OnError);
        }

        return builder.Build();
    }

    /// <summary>An admin client with the producer's connection settings (security included).</summary>
    public IAdminClient CreateAdminClient()
    {
        var settings = WithCommon(_options.Producer.Where(kv => IsConnectionSetting(kv.Key)));
        settings["bootstrap.servers"] = BootstrapServers;
        var builder = new AdminClientBuilder(new AdminClientConfig(settings));
        if (_log is not null)
        {
            builder.SetLogHandler(_log.OnLog).SetErrorHandler(_log.OnError);
        }

        return builder.Build();
    }

    /// <summary>A plain consumer (no role, no commits) with the common settings, for reading a topic directly.</summary>
    public IConsumer<byte[], byte[]> CreateReader(string groupId)
    {
        var config = new ConsumerConfig(WithCommon([]))
        {
            BootstrapServers = BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            IsolationLevel = IsolationLevel.ReadCommitted,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        if (IsMockCluster)
        {
            config.SocketTimeoutMs = MockSocketTimeoutMs;
        }

        var builder = new ConsumerBuilder<byte[], byte[]>(config);
        if (_log is not null)
        {
            builder.SetLogHandler(_log.OnLog).SetErrorHandler(_log.OnError);
        }

        return builder.Build();
    }

    /// <summary><c>Kafka:Common</c> first, then the client's own settings (which win on a clash).</summary>
    private Dictionary<string, string> WithCommon(IEnumerable<KeyValuePair<string, string>> specific)
    {
        var settings = new Dictionary<string, string>(_options.Common, StringComparer.Ordinal);
        foreach (var (key, value) in specific)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Settings every client kind shares: security, client identity and broker connection tuning.</summary>
    private static bool IsConnectionSetting(string key) =>
        key.StartsWith("security.", StringComparison.Ordinal) || key.StartsWith("sasl.", StringComparison.Ordinal)
        || key.StartsWith("ssl.", StringComparison.Ordinal) || key.StartsWith("socket.", StringComparison.Ordinal)
        || key is "client.dns.lookup" or "broker.address.family";

    public void Dispose()
    {
        if (_embedded.IsValueCreated)
        {
            _embedded.Value?.Dispose();
        }
    }
}
