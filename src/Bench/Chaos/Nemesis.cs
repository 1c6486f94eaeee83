using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using EasyHard.Bench.Common;
using EasyHard.Contracts;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;

namespace EasyHard.Bench.Chaos;

/// <summary>
/// Carries out a <see cref="ChaosSchedule"/> against a running pipeline (Jepsen's nemesis): each fault starts at its
/// planned time on its own task, so faults overlap, and recovers by itself after its hold. Faults on the same role
/// instance, broker or database wait for each other (a role cannot be killed while it is being restarted). Large
/// records it produces become inputs only once the broker acknowledged them.
/// </summary>
public sealed class Nemesis : IDisposable
{
    /// <summary>Room for the large records: above Schema:MaxRecordBytes (1 MiB by default) plus their margin.</summary>
    public const int LargeMessageMaxBytes = 2 * 1024 * 1024;

    private readonly EmbeddedKafkaCluster _cluster;
    private readonly BenchTopics _topics;
    private readonly RoleFleet _fleet;
    private readonly PrivatePostgres? _postgres;
    private readonly ChaosSettings _settings;
    private readonly TextWriter _log;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<ChaosInput> _largeInputs = [];
    private readonly ConcurrentBag<ChaosFaultRecord> _records = [];
    private int _extraMembers;

    public Nemesis(EmbeddedKafkaCluster cluster, BenchTopics topics, RoleFleet fleet, PrivatePostgres? postgres, ChaosSettings settings, TextWriter log)
    {
        _cluster = cluster;
        _topics = topics;
        _fleet = fleet;
        _postgres = postgres;
        _settings = settings;
        _log = log;
        _producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            ClientId = "easyhard-chaos-large",
            EnableIdempotence = true,
            MessageMaxBytes = LargeMessageMaxBytes,
        }).Build();
    }

    /// <summary>The instance id of a role's first member, which lives the whole run.</summary>
    public static string PrimaryOf(string role) => $"chaos-{role}";

    /// <summary>Large records the broker acknowledged.</summary>
    public IReadOnlyList<ChaosInput> LargeInputs => [.. _largeInputs];

    /// <summary>The faults carried out so far, in the order they started.</summary>
    public IReadOnlyList<ChaosFaultRecord> Records => [.. _records.OrderBy(r => r.StartedSeconds)];

    /// <summary>Runs the schedule; returns when every fault has recovered, or stops striking when cancelled.</summary>
    public async Task RunAsync(IReadOnlyList<ChaosEvent> schedule, Stopwatch clock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(clock);
        var running = new List<Task>();
        foreach (var fault in schedule)
        {
            var wait = TimeSpan.FromSeconds(fault.AtSeconds) - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
            }

            running.Add(Task.Run(() => StrikeAsync(fault, clock), CancellationToken.None));
        }

        await Task.WhenAll(running);
    }

    public void Dispose() => _producer.Dispose();

    private async Task StrikeAsync(ChaosEvent fault, Stopwatch clock)
    {
        var gate = _locks.GetOrAdd(LockOf(fault), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        var started = clock.Elapsed.TotalSeconds;
        string outcome;
        try
        {
            outcome = await ExecuteAsync(fault);
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException or IOException or TimeoutException)
        {
            outcome = $"error: {e.Message}";
        }
        finally
        {
            gate.Release();
        }

        var record = new ChaosFaultRecord(fault.AtSeconds, Math.Round(started, 2), Math.Round(clock.Elapsed.TotalSeconds, 2), fault.Name,
            fault.Target, fault.HoldSeconds, outcome);
        _records.Add(record);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  [{record.StartedSeconds,7:F1}s] {record.Kind} {record.Target}: {outcome}"));
    }

    private static string LockOf(ChaosEvent fault) => fault.Kind switch
    {
        FaultKind.Kill or FaultKind.Term => PrimaryOf(fault.Target),
        FaultKind.BrokerDown or FaultKind.PostgresRestart => fault.Target,
        _ => $"{fault.Name}-{fault.AtSeconds}",
    };

    private async Task<string> ExecuteAsync(ChaosEvent fault)
    {
        var cluster = _cluster.NativeCluster;
        var hold = TimeSpan.FromSeconds(fault.HoldSeconds);
        switch (fault.Kind)
        {
            case FaultKind.Kill:
                await _fleet.KillAsync(PrimaryOf(fault.Target));
                await Task.Delay(hold);
                _fleet.Start(fault.Target, PrimaryOf(fault.Target));
                return "killed with SIGKILL, started again";
            case FaultKind.Term:
                var clean = await _fleet.TerminateAsync(PrimaryOf(fault.Target));
                await Task.Delay(hold);
                _fleet.Start(fault.Target, PrimaryOf(fault.Target));
                return clean ? "stopped with SIGTERM, started again" : "did not stop within the grace period after SIGTERM (killed), started again";
            case FaultKind.BrokerDown:
                var broker = int.Parse(fault.Target["broker ".Length..], CultureInfo.InvariantCulture);
                MockClusterNative.SetBrokerDown(cluster, broker);
                try
                {
                    await Task.Delay(hold);
                }
                finally
                {
                    MockClusterNative.SetBrokerUp(cluster, broker);
                }

                return "down, then up";
            case FaultKind.LeaderMove:
                var topic = TopicOf(fault.Target);
                var leaders = new List<int>();
                for (var partition = 0; partition < _topics.Partitions; partition++)
                {
                    var leader = 1 + ((fault.Choice + partition) % _cluster.Brokers);
                    MockClusterNative.SetPartitionLeader(cluster, topic, partition, leader);
                    leaders.Add(leader);
                }

                return $"leaders now {string.Join(',', leaders)}";
            case FaultKind.RequestErrors:
                var (apiKey, errors) = ChaosRequestErrors.Of(fault.Target);
                MockClusterNative.PushRequestErrors(cluster, apiKey, errors);
                return $"next requests fail with {string.Join(", ", errors)}";
            case FaultKind.Oversized:
                return await ProduceLargeAsync(fault, LargeRecords.OversizedBytes(_settings.MaxRecordBytes), mustDeadLetter: true);
            case FaultKind.NearLimit:
                return await ProduceLargeAsync(fault, LargeRecords.NearLimitBytes(_settings.MessageMaxBytes, _settings.MaxRecordBytes), mustDeadLetter: false);
            case FaultKind.PostgresRestart:
                var postgres = _postgres ?? throw new InvalidOperationException("postgres-restart needs the run on PostgreSQL");
                await postgres.HaltAsync();
                try
                {
                    await Task.Delay(hold);
                }
                finally
                {
                    await postgres.StartAgainAsync();
                }

                return "halted, then started again";
            case FaultKind.MemberChurn:
                var extra = $"chaos-{fault.Target}-extra-{Interlocked.Increment(ref _extraMembers)}";
                _fleet.Start(fault.Target, extra);
                await Task.Delay(hold);
                var left = await _fleet.TerminateAsync(extra);
                return left ? $"{extra} joined, then left (SIGTERM)" : $"{extra} joined, then was killed: it did not leave within the grace period";
            default:
                throw new InvalidOperationException($"no action for {fault.Kind}");
        }
    }

    private string TopicOf(string key)
    {
        var options = _topics.Options;
        return key switch
        {
            "input" => options.Input,
            "samples" => options.Samples,
            "scored" => options.Scored,
            "weighted" => options.Weighted,
            "dead-letter" => options.DeadLetter,
            "offsets" => options.OffsetJournal,
            _ => throw new InvalidOperationException($"unknown topic key {key}"),
        };
    }

    private async Task<string> ProduceLargeAsync(ChaosEvent fault, int bytes, bool mustDeadLetter)
    {
        // Not ending in a digit: the trainer-stream reader tells them from the load samples (SampleKeys).
        var id = string.Create(CultureInfo.InvariantCulture, $"chaos-{fault.Name}-{fault.Choice}-at-{fault.AtSeconds:F2}s");
        var message = new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes(id),
            Value = LargeRecords.Json(id, _settings.Dimension, fault.Choice % ChaosSettings.Classes, bytes),
            Headers = new Headers { { ContentTypes.HeaderName, Encoding.ASCII.GetBytes(ContentTypes.Json) } },
        };
        try
        {
            var delivered = await _producer.ProduceAsync(_topics.Options.Input, message);
            _largeInputs.Add(new ChaosInput(id, mustDeadLetter));
            return string.Create(CultureInfo.InvariantCulture, $"{id} ({bytes:N0} bytes) at {delivered.TopicPartitionOffset}");
        }
        catch (ProduceException<byte[], byte[]> e)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{id} ({bytes:N0} bytes) not accepted by the broker ({e.Error.Reason}): not an input");
        }
    }
}
