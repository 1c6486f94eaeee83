using Confluent.Kafka;
using EasyHard.Bench.Common;
using EasyHard.Core.Embedded;
using EasyHard.Core.Kafka;
using EasyHard.Host.Composition;
using Xunit.Abstractions;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>
/// Faults injected into librdkafka's mock cluster mid-stream (brokers down, request errors, leader moves, members
/// joining and leaving, a role's process killed with SIGKILL). After each, every valid id must be on the trainer
/// stream and in SQL exactly once. Each scenario has its own cluster, topics and database.
/// </summary>
public sealed class KafkaFaultTests(ITestOutputHelper output)
{
    private const short Produce = 0, Fetch = 1, AddPartitionsToTxn = 24, AddOffsetsToTxn = 25, EndTxn = 26, TxnOffsetCommit = 28, OffsetCommit = 8;

    [Fact]
    public async Task EveryBroker_DownAndBackUp_MidStream_ExactlyOnce_ButTheAbortsTheMockShows()
    {
        await using var harness = FaultHarness.WithSqlite("broker-down");
        var abortedBefore = AbortedTransactions();
        var producing = await harness.StartMidStreamAsync(seed: 31);

        for (var broker = 1; broker <= harness.Cluster.Brokers; broker++)
        {
            output.WriteLine($"broker {broker} down at {await harness.StoredAsync()} rows");
            MockClusterNative.SetBrokerDown(harness.Cluster.NativeCluster, broker);
            await Task.Delay(TimeSpan.FromSeconds(3)); // the length of the outage, not a synchronization
            MockClusterNative.SetBrokerUp(harness.Cluster.NativeCluster, broker);
        }

        var ids = await producing;
        await harness.WaitForAllAsync(ids);
        await harness.Run.StopAsync();
        // A batch whose output could not be delivered during an outage is aborted and redone. Kafka hides the aborted
        // copy from read_committed readers; librdkafka's mock cluster does not (MockClusterTransactionTests), so a
        // repeat on the trainer stream is allowed up to one batch per aborted transaction, and none without one.
        var aborted = AbortedTransactions() - abortedBefore;
        var stream = ExactlyOnceVerifier.Count("trainer stream (read_committed)", ids, harness.TrainerStreamIds());
        var sql = ExactlyOnceVerifier.Count("SQL sample_scores", ids, await harness.StoredIdsAsync());
        output.WriteLine($"{stream}; aborted transactions {aborted}");
        output.WriteLine(sql.ToString());
        Assert.Equal(0, stream.Missing);
        Assert.Equal(0, stream.Unexpected);
        Assert.InRange(stream.Records - stream.Distinct, 0, aborted * new Core.Configuration.BatchingOptions().MaxBatchSize);
        Assert.True(sql.ExactlyOnce, sql.ToString());
        Assert.Equal(0, await harness.RowsWithExposuresAboveOneAsync());
    }

    private static double AbortedTransactions() =>
        new[] { "ingest", "scorer", "sink" }.Sum(role => Core.Observability.PipelineMetrics.For(role).Transactions("aborted").Value);

    /// <summary>
    /// With the journal on (as on the embedded cluster) offsets travel as journal records; with it off they go through
    /// SendOffsetsToTransaction (AddOffsetsToTxn, TxnOffsetCommit) as on Kafka. The mock does not store those
    /// offsets, which does not matter here: nothing restarts or rebalances, so positions stay in the consumer.
    /// </summary>
    [Theory]
    [InlineData("on")]
    [InlineData("off")]
    public async Task RequestErrors_OnProduceFetchAndEveryTransactionStep_ExactlyOnce(string offsetJournal)
    {
        await using var harness = FaultHarness.WithSqlite("request-errors", $"--Delivery:OffsetJournal={offsetJournal}");
        var producing = await harness.StartMidStreamAsync(seed: 32);

        for (var round = 0; round < 3; round++)
        {
            var cluster = harness.Cluster.NativeCluster;
            MockClusterNative.PushRequestErrors(cluster, Produce, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas);
            MockClusterNative.PushRequestErrors(cluster, Fetch, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut);
            MockClusterNative.PushRequestErrors(cluster, AddPartitionsToTxn, ErrorCode.ConcurrentTransactions, ErrorCode.GroupCoordinatorNotAvailable);
            MockClusterNative.PushRequestErrors(cluster, AddOffsetsToTxn, ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.NotCoordinatorForGroup);
            MockClusterNative.PushRequestErrors(cluster, TxnOffsetCommit, ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.GroupLoadInProgress);
            MockClusterNative.PushRequestErrors(cluster, EndTxn, ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.NotCoordinatorForGroup);
            output.WriteLine($"round {round} of request errors pushed at {await harness.StoredAsync()} rows");
            await Task.Delay(TimeSpan.FromSeconds(1.5));
        }

        await FinishAndVerifyAsync(harness, await producing);
    }

    [Fact]
    public async Task PartitionLeaders_MoveMidStream_ExactlyOnce()
    {
        await using var harness = FaultHarness.WithSqlite("leader-moves");
        var producing = await harness.StartMidStreamAsync(seed: 33);

        var topics = harness.Run.Topics.Options.All().ToList();
        for (var round = 1; round <= 3; round++)
        {
            foreach (var topic in topics)
            {
                for (var partition = 0; partition < 4; partition++)
                {
                    MockClusterNative.SetPartitionLeader(harness.Cluster.NativeCluster, topic, partition, ((partition + round) % harness.Cluster.Brokers) + 1);
                }
            }

            output.WriteLine($"leaders moved (round {round}) at {await harness.StoredAsync()} rows");
            await Task.Delay(TimeSpan.FromSeconds(1.5));
        }

        await FinishAndVerifyAsync(harness, await producing);
    }

    [Fact]
    public async Task InstancesOfEveryRole_JoinAndLeave_MidStream_ExactlyOnce()
    {
        // Several sinks write one database, as in production: PostgreSQL. A slower stream (about 50 s) so that every
        // join and leave, each a rebalance of three groups, happens while samples are still arriving: beside the rest of
        // the suite, the rebalance after the first leave once took over 10 s, and a 30-second stream was through by then.
        await using var harness = await FaultHarness.WithPostgresAsync("members", FaultHarness.TestPostgres);
        var producing = await harness.StartMidStreamAsync(seed: 34, rate: 60);

        var second = await harness.Run.StartInstanceAsync("member-2");
        var third = await harness.Run.StartInstanceAsync("member-3");
        await StrikeMidStreamAsync(harness, "two more instances of every role joined");
        await harness.WaitForStoredAsync(FaultHarness.Count / 2, TimeSpan.FromMinutes(2));

        var firstLeaves = await StrikeMidStreamAsync(harness, "the first instance leaves");
        await harness.Run.StopAsync();
        // Progress again after that rebalance, then the next leave while the producer is still at work.
        await harness.WaitForStoredAsync(firstLeaves + 200, TimeSpan.FromMinutes(2));
        await StrikeMidStreamAsync(harness, "the third instance leaves");
        await third.StopAsync();
        await third.DisposeAsync();

        var ids = await producing;
        try
        {
            await harness.WaitForAllAsync(ids);
        }
        catch (TimeoutException)
        {
            output.WriteLine($"health of the remaining instance: {await FaultHarness.HealthOfAsync(second)}");
            throw;
        }

        await second.StopAsync();
        await second.DisposeAsync();
        await ExactlyOnceVerifier.AssertExactlyOnceAsync(harness, ids, output);
    }

    /// <summary>Logs a fault and fails the scenario when the stream was already through: it would prove nothing.</summary>
    private async Task<long> StrikeMidStreamAsync(FaultHarness harness, string what)
    {
        var stored = await harness.StoredAsync();
        output.WriteLine($"{what} at {stored} rows");
        Assert.True(stored < FaultHarness.Count, $"{what} only after the whole stream was stored");
        return stored;
    }

    /// <summary>
    /// A role's process killed with SIGKILL mid-stream and started again with the same instance id: at an arbitrary
    /// moment, and inside a transaction whose output is on the brokers but whose offsets are not (the case
    /// transactions exist for).
    /// </summary>
    [Theory]
    [InlineData("ingest", false)]
    [InlineData("scorer", false)]
    [InlineData("sink", false)]
    [InlineData("ingest", true)]
    [InlineData("scorer", true)]
    [InlineData("sink", true)]
    public async Task RoleProcess_KilledWithSigkillMidStream_AndRestarted_ExactlyOnce(string role, bool duringTransaction)
    {
        await using var harness = FaultHarness.WithSqlite($"kill-{role}");
        await harness.Run.StartAsync(Roles.All & ~RoleNames.Parse(role));
        var abortedBefore = AbortedTransactions();
        string[] childConfig = [.. harness.Run.Config, $"--Delivery:InstanceId=child-{role}"];
        var child = RoleProcess.Start(role, childConfig);
        try
        {
            // About 20 s of stream, so that the kill strikes while every role still has input to work on.
            var producing = harness.ProduceAsync(seed: 35, rate: 150);
            await harness.WaitForStoredAsync(FaultHarness.Count / 4, TimeSpan.FromMinutes(2));
            var (input, killedOutputs) = TopicsOf(role, harness.Run.Topics.Options);
            var journalBroker = harness.Cluster.Brokers;
            if (duringTransaction)
            {
                HoldJournalBackAfterOutput(harness, role, journalBroker);
                await Task.Delay(TimeSpan.FromSeconds(4)); // the outage that holds every journal write back, not a synchronization
            }

            await StrikeMidStreamAsync(harness, $"{role} process killed with SIGKILL");
            child.KillHard();
            child.Dispose();
            if (duringTransaction)
            {
                MockClusterNative.SetBrokerUp(harness.Cluster.NativeCluster, journalBroker);
            }

            var snapshot = ExactlyOnceVerifier.SnapshotAfterKill(harness, $"{harness.Run.Topics.Id}-{role}", killedOutputs);
            output.WriteLine(harness.DescribePartitions());

            child = RoleProcess.Start(role, childConfig);
            var ids = await producing;
            try
            {
                await harness.WaitForAllAsync(ids);
            }
            finally
            {
                output.WriteLine($"restarted {role} process output:\n{child.RecentOutput}");
            }

            await harness.Run.StopAsync();
            await ExactlyOnceVerifier.AssertExactlyOnceAfterKillAsync(harness, ids, input, killedOutputs, snapshot,
                new Core.Configuration.BatchingOptions().MaxBatchSize, () => AbortedTransactions() - abortedBefore, output);
        }
        finally
        {
            child.Dispose();
        }
    }

    /// <summary>
    /// Arranges that the killed role's next transaction gets its output onto the brokers but not its journal entries:
    /// every coordinator and every other topic's partitions stay on brokers that are up, the journal's partitions move
    /// to a broker that is then taken down. Each role's transaction hangs, open, between the two (the killed role's
    /// input still arrives: the mock shows the upstream role's open transaction to read_committed readers).
    /// </summary>
    private static void HoldJournalBackAfterOutput(FaultHarness harness, string role, int journalBroker)
    {
        var cluster = harness.Cluster.NativeCluster;
        foreach (var other in (string[])["ingest", "scorer", "sink"])
        {
            var instance = other == role ? $"child-{role}" : harness.Run.InstanceId;
            MockClusterNative.SetCoordinator(cluster, "transaction", $"easyhard-{other}-{instance}", 1);
            MockClusterNative.SetCoordinator(cluster, "group", $"{harness.Run.Topics.Id}-{other}", 1);
        }

        var journal = harness.Run.Topics.Options.OffsetJournal;
        foreach (var topic in harness.Run.Topics.Options.All())
        {
            for (var partition = 0; partition < 4; partition++)
            {
                MockClusterNative.SetPartitionLeader(cluster, topic, partition, topic == journal ? journalBroker : 1 + (partition % (journalBroker - 1)));
            }
        }

        MockClusterNative.SetBrokerDown(cluster, journalBroker);
    }

    /// <summary>The topic a role reads and the id-keyed topics it writes (the dead-letter topic carries no valid ids).</summary>
    private static (string Input, string[] Outputs) TopicsOf(string role, Core.Configuration.TopicOptions topics) => role switch
    {
        "ingest" => (topics.Input, [topics.Samples]),
        "scorer" => (topics.Samples, [topics.Scored]),
        _ => (topics.Scored, [topics.Weighted, topics.Quarantine]),
    };

    [Fact]
    public async Task AtLeastOnce_UnderRequestErrors_LosesNothing_AndSqlStaysExact()
    {
        await using var harness = FaultHarness.WithSqlite("at-least-once", "--Delivery:Guarantee=at_least_once");
        var producing = await harness.StartMidStreamAsync(seed: 36);
        var cluster = harness.Cluster.NativeCluster;
        MockClusterNative.PushRequestErrors(cluster, Produce, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut);
        MockClusterNative.PushRequestErrors(cluster, OffsetCommit, ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.RequestTimedOut, ErrorCode.NotCoordinatorForGroup);

        var ids = await producing;
        await harness.WaitForAllAsync(ids);
        await harness.Run.StopAsync();

        // The documented trade-off: the trainer stream may repeat a record, but never misses one; SQL is exact.
        var stream = ExactlyOnceVerifier.Count("trainer stream", ids, harness.TrainerStreamIds());
        var sql = ExactlyOnceVerifier.Count("SQL sample_scores", ids, await harness.StoredIdsAsync());
        output.WriteLine(stream.ToString());
        output.WriteLine(sql.ToString());
        Assert.Equal(0, stream.Missing);
        Assert.Equal(0, stream.Unexpected);
        Assert.True(sql.ExactlyOnce, sql.ToString());
        Assert.Equal(0, await harness.RowsWithExposuresAboveOneAsync());
    }

    private async Task FinishAndVerifyAsync(FaultHarness harness, IReadOnlyList<string> ids)
    {
        await harness.WaitForAllAsync(ids);
        await harness.Run.StopAsync();
        await ExactlyOnceVerifier.AssertExactlyOnceAsync(harness, ids, output);
    }
}
