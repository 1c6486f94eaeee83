using Confluent.Kafka;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;

namespace EasyHard.Host.Producing;

/// <summary>
/// Keeps a producer within librdkafka's mock cluster's retention (<see cref="EmbeddedKafkaCluster.RetentionBytesPerPartition"/>):
/// the mock deletes a partition's oldest records once it holds 5 MiB, read or not, so a producer far ahead of EasyHard's
/// ingest would have its input deleted unread. The producer waits while more than <see cref="MaxBacklog"/> records it
/// wrote are not yet committed by ingest. A real Kafka cluster's retention is the operator's, so nothing is held back there.
/// </summary>
public sealed class RetentionThrottle : IDisposable
{
    /// <summary>Share of the retention a backlog may fill: keys spread over partitions unevenly, and records vary in size.</summary>
    private const double Headroom = 0.6;

    private readonly IngestProgress _progress;
    private readonly TextWriter _log;

    private RetentionThrottle(IngestProgress progress, long maxBacklog, TextWriter log)
    {
        _progress = progress;
        MaxBacklog = maxBacklog;
        _log = log;
    }

    public long MaxBacklog { get; }

    /// <summary>
    /// A throttle when <paramref name="bootstrapServers"/> is a mock cluster (by its cluster id) and
    /// <paramref name="maxBacklog"/> is not 0; -1 sizes the backlog from the retention and <paramref name="recordBytes"/>.
    /// </summary>
    public static RetentionThrottle? Create(string bootstrapServers, IEnumerable<KeyValuePair<string, string>>? settings, string topic,
        string journalTopic, string ingestGroup, long maxBacklog, int recordBytes, TextWriter log)
    {
        if (maxBacklog == 0)
        {
            return null;
        }

        var config = new AdminClientConfig(new Dictionary<string, string>(settings ?? [])) { BootstrapServers = bootstrapServers };
        using (var admin = new AdminClientBuilder(config).Build())
        {
            var id = MockClusterNative.ClusterId(admin.Handle, TimeSpan.FromSeconds(10));
            if (id is null || !id.StartsWith(MockClusterNative.ClusterIdPrefix, StringComparison.Ordinal))
            {
                return null;
            }
        }

        var progress = new IngestProgress(bootstrapServers, settings, journalTopic, ingestGroup, topic);
        var limit = maxBacklog > 0 ? maxBacklog
            : (long)(progress.Partitions * EmbeddedKafkaCluster.RetentionBytesPerPartition * Headroom / Math.Max(1, recordBytes));
        log.WriteLine(EmbeddedKafkaCluster.RetentionNotice(progress.Partitions));
        log.WriteLine($"keeping at most {limit:N0} records written and not yet read by {ingestGroup} (--max-backlog; 0 turns this off)");
        return new RetentionThrottle(progress, Math.Max(1, limit), log);
    }

    /// <summary>Waits while the records written so far, less what ingest has committed, exceed the backlog.</summary>
    public async Task WaitAsync(long written, CancellationToken cancellationToken)
    {
        var announced = false;
        while (_progress.Existing + written - _progress.Committed > MaxBacklog)
        {
            if (!announced)
            {
                // On a line of its own: the progress counter rewrites its line (a carriage return, no newline).
                _log.WriteLine($"\nwaiting: {_progress.Existing + written - _progress.Committed:N0} records not yet read by ingest");
                announced = true;
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public void Dispose() => _progress.Dispose();
}
