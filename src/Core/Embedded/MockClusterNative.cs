using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace EasyHard.Core.Embedded;

/// <summary>
/// P/Invoke into librdkafka's mock-cluster API (rdkafka_mock.h), on the same native library that
/// Confluent.Kafka has loaded. Used for topic creation (the mock cluster has no controller for
/// CreateTopics), for telling a mock cluster reached by address from Kafka (its cluster id), and for fault
/// injection in tests.
/// </summary>
public static partial class MockClusterNative
{
    private const string Library = "librdkafka";

    static MockClusterNative() => NativeLibrary.SetDllImportResolver(typeof(MockClusterNative).Assembly, ResolveLibrdkafka);

    // Confluent.Kafka loads librdkafka by full path from the NuGet runtimes folder, which the default
    // probing for a bare "librdkafka" does not look in. Loading the same path yields the same module.
    private static IntPtr ResolveLibrdkafka(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        var baseDir = AppContext.BaseDirectory;
        string[] candidates =
        [
            Path.Combine(baseDir, "runtimes", RuntimeInformation.RuntimeIdentifier, "native", "librdkafka.so"),
            Path.Combine(baseDir, "runtimes", "linux-x64", "native", "librdkafka.so"),
            Path.Combine(baseDir, "librdkafka.so"),
        ];
        foreach (var path in candidates)
        {
            if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle))
            {
                return handle;
            }
        }

        return NativeLibrary.TryLoad("librdkafka.so.1", out var fallback) ? fallback : IntPtr.Zero;
    }

    [LibraryImport(Library, EntryPoint = "rd_kafka_handle_mock_cluster")]
    private static partial IntPtr HandleMockCluster(IntPtr rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int TopicCreate(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    private static partial int BrokerSetDown(IntPtr mcluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    private static partial int BrokerSetUp(IntPtr mcluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_rtt")]
    private static partial int BrokerSetRtt(IntPtr mcluster, int brokerId, int rttMs);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_coordinator_set", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int CoordinatorSet(IntPtr mcluster, string keyType, string key, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_partition_set_leader", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int PartitionSetLeader(IntPtr mcluster, string topic, int partition, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_push_request_errors_array")]
    private static partial void PushRequestErrorsArray(IntPtr mcluster, short apiKey, nuint count, [In] int[] errors);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_partition_delete_records", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int PartitionDeleteRecords(IntPtr mcluster, string topic, int partition, long beforeOffset);

    [LibraryImport(Library, EntryPoint = "rd_kafka_clusterid")]
    private static partial IntPtr ClusterIdOf(IntPtr rk, int timeoutMs);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mem_free")]
    private static partial void MemFree(IntPtr rk, IntPtr ptr);

    /// <summary>
    /// The prefix of the cluster id every librdkafka mock cluster reports (<c>mockCluster%lx</c>, rdkafka_mock.c), whether
    /// it runs in this process or in <c>easyhard kafka</c>. No Kafka broker generates such an id (theirs are base64 UUIDs).
    /// </summary>
    public const string ClusterIdPrefix = "mockCluster";

    /// <summary>The mock cluster owned by the client behind <paramref name="handle"/>.</summary>
    public static IntPtr ClusterOf(Handle handle)
    {
        var cluster = HandleMockCluster(NativeHandle(handle));
        return cluster == IntPtr.Zero
            ? throw new InvalidOperationException("The client was not created with test.mock.num.brokers.")
            : cluster;
    }

    /// <summary>
    /// The id of the cluster the client behind <paramref name="handle"/> is connected to (from a Metadata response; the
    /// .NET client does not expose it), or null when no broker answered within <paramref name="timeout"/>.
    /// </summary>
    public static string? ClusterId(Handle handle, TimeSpan timeout)
    {
        var rk = NativeHandle(handle);
        var id = ClusterIdOf(rk, (int)timeout.TotalMilliseconds);
        if (id == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return Marshal.PtrToStringUTF8(id);
        }
        finally
        {
            MemFree(rk, id);
        }
    }

    /// <summary>Deletes the records of a partition before <paramref name="beforeOffset"/>, as retention does on a broker.</summary>
    public static void DeleteRecords(IntPtr cluster, string topic, int partition, long beforeOffset) =>
        Check(PartitionDeleteRecords(cluster, topic, partition, beforeOffset), $"delete records of {topic}/{partition} before {beforeOffset}");

    // Confluent.Kafka keeps the rd_kafka_t* in an internal SafeHandle; there is no public accessor.
    private static IntPtr NativeHandle(Handle handle)
    {
        var property = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("Confluent.Kafka.Handle has no LibrdkafkaHandle property.");
        var safeHandle = (SafeHandle)(property.GetValue(handle) ?? throw new InvalidOperationException("Client handle is null."));
        return safeHandle.DangerousGetHandle();
    }

    /// <summary>Creates a topic; one that exists already is left as it is.</summary>
    public static void CreateTopic(IntPtr cluster, string topic, int partitions, int replicationFactor)
    {
        var error = TopicCreate(cluster, topic, partitions, replicationFactor);
        if (error != (int)ErrorCode.TopicAlreadyExists)
        {
            Check(error, $"create topic {topic}");
        }
    }

    public static void SetBrokerDown(IntPtr cluster, int brokerId) => Check(BrokerSetDown(cluster, brokerId), $"take broker {brokerId} down");

    public static void SetBrokerUp(IntPtr cluster, int brokerId) => Check(BrokerSetUp(cluster, brokerId), $"bring broker {brokerId} up");

    /// <summary>Delays every response of the broker by <paramref name="rttMs"/> (0: no delay): a slow network or broker.</summary>
    public static void SetBrokerRtt(IntPtr cluster, int brokerId, int rttMs) =>
        Check(BrokerSetRtt(cluster, brokerId, rttMs), $"set the round-trip time of broker {brokerId}");

    /// <summary>Makes a broker the coordinator of a consumer group (<c>group</c>) or a transactional id (<c>transaction</c>).</summary>
    public static void SetCoordinator(IntPtr cluster, string keyType, string key, int brokerId) =>
        Check(CoordinatorSet(cluster, keyType, key, brokerId), $"make broker {brokerId} the {keyType} coordinator of {key}");

    public static void SetPartitionLeader(IntPtr cluster, string topic, int partition, int brokerId) =>
        Check(PartitionSetLeader(cluster, topic, partition, brokerId), $"move leader of {topic}/{partition}");

    /// <summary>Makes the next requests of the given Kafka API key fail with the given errors, in order.</summary>
    public static void PushRequestErrors(IntPtr cluster, short apiKey, params ErrorCode[] errors) =>
        PushRequestErrorsArray(cluster, apiKey, (nuint)errors.Length, errors.Select(e => (int)e).ToArray());

    private static void Check(int errorCode, string what)
    {
        if (errorCode != 0)
        {
            throw new KafkaException(new Error((ErrorCode)errorCode, $"mock cluster: could not {what}"));
        }
    }
}
