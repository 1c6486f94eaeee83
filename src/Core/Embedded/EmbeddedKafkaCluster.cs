using Confluent.Kafka;

namespace EasyHard.Core.Embedded;

/// <summary>
/// librdkafka's built-in mock cluster, which speaks the Kafka protocol (consumer groups, idempotence,
/// transactions, headers) over TCP on 127.0.0.1. It lives as long as the client that created it, so this
/// object owns that client. Any Kafka client can connect to <see cref="BootstrapServers"/>.
/// </summary>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    public const string Marker = "embedded";

    /// <summary>
    /// The mock's retention, per partition: when a produce batch takes a partition's log past 5 MiB or 100,000
    /// batches, its oldest batches are deleted, read or not (rdkafka_mock.c, <c>max_size</c> and <c>max_cnt</c>, set
    /// when the partition is created; librdkafka offers no setting for them).
    /// </summary>
    public const long RetentionBytesPerPartition = 5 * 1024 * 1024;

    /// <inheritdoc cref="RetentionBytesPerPartition"/>
    public const int RetentionBatchesPerPartition = 100_000;

    /// <summary>One line stating the retention above, for commands that start or use the mock cluster.</summary>
    public static string RetentionNotice(int partitions) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"retention: the mock cluster keeps at most {RetentionBytesPerPartition / (1024 * 1024)} MiB (or {RetentionBatchesPerPartition:N0} produce batches) per partition, "
        + $"{partitions * RetentionBytesPerPartition / (1024 * 1024)} MiB per topic of {partitions} partitions; older records are deleted as new ones arrive, read or not, and a role that falls further behind loses input (counted as easyhard_<role>_records_lost_to_retention_total)");

    private readonly IProducer<byte[], byte[]> _owner;

    public EmbeddedKafkaCluster(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var config = new ProducerConfig
        {
            // Not a broker address: the mock cluster ignores it, but librdkafka requires the key.
            BootstrapServers = "localhost:0",
        };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _owner = new ProducerBuilder<byte[], byte[]>(config).Build();
        using var admin = new DependentAdminClientBuilder(_owner.Handle).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10));
        BootstrapServers = string.Join(',', metadata.Brokers.Select(b => $"{b.Host}:{b.Port}"));
        Brokers = brokers;
    }

    /// <summary>Comma-separated host:port of the mock brokers.</summary>
    public string BootstrapServers { get; }

    public int Brokers { get; }

    /// <summary>The native handle of the client that owns the cluster (for fault injection by P/Invoke).</summary>
    public Handle Handle => _owner.Handle;

    /// <summary>The mock cluster's native handle, for fault injection through <see cref="MockClusterNative"/>.</summary>
    public IntPtr NativeCluster => MockClusterNative.ClusterOf(_owner.Handle);

    /// <summary>
    /// Creates topics through the mock API (its CreateTopics request has no controller to answer it).
    /// Creating a topic that exists already leaves it as it is.
    /// </summary>
    public void CreateTopics(IEnumerable<string> topics, int partitions)
    {
        var cluster = NativeCluster;
        foreach (var topic in topics.Distinct(StringComparer.Ordinal))
        {
            MockClusterNative.CreateTopic(cluster, topic, partitions, Math.Min(Brokers, 3));
        }
    }

    public void Dispose() => _owner.Dispose();
}
