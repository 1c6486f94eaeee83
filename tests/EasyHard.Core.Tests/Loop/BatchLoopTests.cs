using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Core.Hosting;
using EasyHard.Core.Hosting.Delivery;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Core.Tests.Loop;

/// <summary>
/// The Kafka shell's loop with a scripted consumer and a recording delivery, beside the fault suite's processes:
/// how it cuts batches, overlaps a batch with the previous commit, drops revoked partitions and retries.
/// </summary>
public sealed class BatchLoopTests
{
    private static readonly TopicPartition P0 = new("in", 0);
    private static readonly TopicPartition P1 = new("in", 1);

    [Fact]
    public void Batches_AreCutAtMaxBatchSize_OrWhenTheFirstRecordHasWaitedMaxBatchDelay()
    {
        var run = new Run(maxBatchSize: 4, maxBatchDelayMs: 20, completesInBackground: false);
        // 6 records at once, a pause longer than the batch delay, 1 record, then 3 records 5 ms apart.
        run.Consumer.Records(P0, 6).Gap(TimeSpan.FromMilliseconds(50)).Records(P0, 1)
            .Gap(TimeSpan.FromMilliseconds(5)).Records(P0, 1).Gap(TimeSpan.FromMilliseconds(5)).Records(P0, 1)
            .Gap(TimeSpan.FromMilliseconds(30)).Records(P0, 1);

        run.Execute(commits: 4);

        // 4 (full), 2 (waited 20 ms), then 7..9 within 20 ms of the 7th, then the last one alone.
        Assert.Equal(["p0:0-3", "p0:4-5", "p0:6-8", "p0:9-9"], run.Processed);
        Assert.Equal(["p0@4", "p0@6", "p0@9", "p0@10"], run.Delivery.Committed.Select(RecordingDelivery.Describe));
        Assert.Equal(10, run.Counted);
    }

    [Fact]
    public void BackgroundCommit_TheNextBatchIsProcessedWhileItCompletes_AndSentOnlyAfterIt()
    {
        var run = new Run(maxBatchSize: 2, maxBatchDelayMs: 20, completesInBackground: true);
        using var gate = new ManualResetEventSlim();
        run.Delivery.CompleteGate = gate;
        run.Consumer.Records(P0, 4);
        run.OnProcess = batch =>
        {
            if (batch == "p0:2-3")
            {
                gate.Set(); // the first commit could only land after the second batch was processed
            }
        };

        run.Execute(commits: 2);

        Assert.Equal(["send p0@2", "process p0:2-3", "committed p0@2", "send p0@4", "committed p0@4"],
            run.Delivery.Events.Where(e => e != "process p0:0-1").ToList());
    }

    [Fact]
    public void BackgroundCommitFails_ThatBatchIsRedoneBeforeTheNextIsSent_AndOffsetsMoveInOrder()
    {
        var run = new Run(maxBatchSize: 2, maxBatchDelayMs: 20, completesInBackground: true);
        run.Delivery.FailComplete.Add(1);
        run.Consumer.Records(P0, 4);

        run.Execute(commits: 2);

        Assert.Equal(["p0@2", "p0@4"], run.Delivery.Committed.Select(RecordingDelivery.Describe));
        var events = run.Delivery.Events;
        Assert.True(events.ToList().IndexOf("commit failed p0@2") < events.ToList().LastIndexOf("send p0@2"));
        Assert.True(events.ToList().LastIndexOf("committed p0@2") < events.ToList().IndexOf("send p0@4"));
        // The first batch processed twice (redone after the failed commit); every record counted once, on commit.
        Assert.Equal(2, run.Processed.Count(b => b == "p0:0-1"));
        Assert.Equal(4, run.Counted);
    }

    [Fact]
    public void SendFails_TheBatchIsRetriedAfterABackOff_WithItsPartitionsPaused_AndCountedOnce()
    {
        var run = new Run(maxBatchSize: 3, maxBatchDelayMs: 20, completesInBackground: false);
        run.Delivery.FailSend.Add(1);
        run.Delivery.FailSend.Add(2);
        run.Consumer.Records(P0, 3).Records(P1, 2);

        run.Execute(commits: 2);

        Assert.Equal(["send p0@3", "send p0@3", "send p0@3", "committed p0@3"],
            run.Delivery.Events.Where(e => !e.StartsWith("process", StringComparison.Ordinal)).Take(4).ToList());
        Assert.Equal(["p0@3", "p1@2"], run.Delivery.Committed.Select(RecordingDelivery.Describe));
        Assert.Equal(1, run.Consumer.PauseCalls);
        Assert.Equal(1, run.Consumer.ResumeCalls);
        Assert.Equal(5, run.Counted);
    }

    [Fact]
    public void PartitionRevokedWhileTheBatchIsCollected_ItsRecordsLeaveTheBatch_AndNoOffsetIsCommittedForIt()
    {
        var run = new Run(maxBatchSize: 10, maxBatchDelayMs: 20, completesInBackground: false);
        run.Consumer.Records(P0, 2).Records(P1, 2).Records(P0, 1);
        // The rebalance runs inside the poll after the four first records: P1's two leave the batch in hand.
        run.Consumer.BeforePoll = poll =>
        {
            if (poll == 5)
            {
                run.Consumer.Revoke(P1);
                run.Loop.Revoked([P1], "revoked");
            }
        };

        run.Execute(commits: 1);

        Assert.Equal(["p0:0-2"], run.Processed);
        Assert.Equal(["p0@3"], run.Delivery.Committed.Select(RecordingDelivery.Describe));
    }

    /// <summary>One loop over a scripted consumer, a recording delivery and a processor that emits one record per input.</summary>
    private sealed class Run : IBatchProcessor
    {
        public Run(int maxBatchSize, int maxBatchDelayMs, bool completesInBackground)
        {
            var time = new FakeTimeProvider();
            Consumer = new ScriptedConsumer(time, P0, P1);
            Delivery = new RecordingDelivery(completesInBackground);
            var definition = new KafkaRoleDefinition("looptest", ["in"], "g", new BatchingOptions { MaxBatchSize = maxBatchSize, MaxBatchDelayMs = maxBatchDelayMs }, "journal")
            {
                DeadLetterTopic = "dlq",
            };
            var screen = new OutputScreen(1_000_000, "dlq", definition.Role, NullLogger.Instance);
            Loop = new BatchLoop(definition, this, screen, starts: null, assignmentWait: null, new RoleReadiness(time), time, NullLogger.Instance);
        }

        public ScriptedConsumer Consumer { get; }

        public RecordingDelivery Delivery { get; }

        public BatchLoop Loop { get; }

        public Action<string>? OnProcess { get; set; }

        /// <summary>Each batch processed, as "p0:first-last".</summary>
        public List<string> Processed { get; } = [];

        /// <summary>Records counted by <see cref="IBatchProcessor.Committed"/>.</summary>
        public int Counted { get; private set; }

        /// <summary>Plays the script and stops once <paramref name="commits"/> batches are committed.</summary>
        public void Execute(int commits)
        {
            Consumer.Done = () => Delivery.Committed.Count >= commits;
            var runner = Task.Run(() => Loop.Run(Consumer, Delivery, Consumer.Stopping.Token));
            Assert.True(runner.Wait(TimeSpan.FromSeconds(30)), "the loop did not stop: " + string.Join(" | ", Delivery.Events));
            runner.GetAwaiter().GetResult();
        }

        public Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> batch, CancellationToken cancellationToken)
        {
            var described = string.Join(' ', batch.GroupBy(r => r.Partition.Value).OrderBy(g => g.Key)
                .Select(g => $"p{g.Key}:{g.Min(r => r.Offset.Value)}-{g.Max(r => r.Offset.Value)}"));
            Processed.Add(described);
            Delivery.Add($"process {described}");
            OnProcess?.Invoke(described);
            return Task.FromResult<IReadOnlyList<OutgoingMessage>>([.. batch.Select(r => new OutgoingMessage("out", r.Message.Key, r.Message.Value) { Source = r })]);
        }

        public void Committed(IReadOnlyList<OutgoingMessage> outputs) => Counted += outputs.Count;
    }
}
