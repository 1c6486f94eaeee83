using Confluent.Kafka;
using EasyHard.Core.Configuration;
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

    public string BootstrapServers => _embedded.Value?.BootstrapServers ?? _options.BootstrapServers;

    /// <summary>The largest record this process's producers send (<see cref="KafkaOptions.ProducerMessageMaxBytes"/>).</summary>
    public int ProducerMessageMaxBytes => _options.ProducerMessageMaxBytes;

    /// <summary>
    /// A consumer for a role: manual commits (offsets are committed by the shell only after the batch's
    /// output is durable), reads only committed transactional data, starts from the earliest offset.
    /// </summary>
    public IConsumer<byte[], byte[]> CreateConsumer(string groupId, string clientId,
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
        config.AutoOffsetReset ??= AutoOffsetReset.Earliest;
        config.IsolationLevel ??= IsolationLevel.ReadCommitted;
        config.PartitionAssignmentStrategy ??= PartitionAssignmentStrategy.CooperativeSticky;
        if (IsEmbedded)
        {
            // The mock cluster holds an empty fetch for the whole fetch.wait.max.ms (500 ms by default) instead of
            // answering when data arrives (rdkafka_mock_handlers.c), adding up to that much latency per hop.
            config.FetchWaitMaxMs ??= 10;
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
