using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Load;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EasyHard.Scorer.Tests;

/// <summary>
/// Whether the trainers set the pace: the backlog of a trainer group from its committed offsets, the slowest live
/// group's backlog against <c>Scorer:Load:TrainerBacklogRecords</c>, and the scorer's choice to shed work.
/// </summary>
public sealed class TrainerPaceTests
{
    [Fact]
    public void Progress_SumsWhatWaitsOnTheTopicsTheGroupCommittedOn()
    {
        var progress = TrainerProgress.Of("t",
        [
            new TrainerPartition("w", 0, Committed: 40, Low: 0, High: 100),
            new TrainerPartition("w", 1, Committed: -1001, Low: 10, High: 30), // not committed yet: waits from the start
            new TrainerPartition("q", 0, Committed: -1001, Low: 0, High: 500), // a topic it does not read
        ]);

        Assert.Equal(new TrainerProgress("t", Position: 40, Backlog: 60 + 20), progress);
    }

    [Fact]
    public void Progress_OffsetsOutsideThePartition_AreClampedToIt()
    {
        var progress = TrainerProgress.Of("t",
        [
            new TrainerPartition("w", 0, Committed: 5, Low: 50, High: 80),   // deleted by retention: resumes at the start
            new TrainerPartition("w", 1, Committed: 90, Low: 0, High: 80),   // ahead of a truncated end: nothing waits
        ]);

        Assert.Equal(30, progress!.Value.Backlog);
        Assert.Equal(95, progress.Value.Position);
    }

    [Fact]
    public void Progress_GroupThatCommittedNothing_IsNotATrainerYet() =>
        Assert.Null(TrainerProgress.Of("t", [new TrainerPartition("w", 0, -1001, 0, 100), new TrainerPartition("q", 0, -1001, 0, 7)]));

    [Fact]
    public void Pace_SlowestLiveTrainerWithABacklog_SetsThePace()
    {
        var pace = new TrainerPace(new LoadOptions { TrainerBacklogRecords = 512 }, new FakeTimeProvider());
        Assert.False(pace.TrainersBehind);

        pace.Observe([new TrainerProgress("fast", 1_000, 0), new TrainerProgress("slow", 900, 511)]);
        Assert.False(pace.TrainersBehind);
        Assert.Equal(511, pace.SlowestBacklog);

        pace.Observe([new TrainerProgress("fast", 1_100, 0), new TrainerProgress("slow", 950, 512)]);
        Assert.True(pace.TrainersBehind);
        Assert.Equal(512, pace.SlowestBacklog);
        Assert.Equal(512, ScorerMetrics.TrainerBacklog.WithLabels("slow").Value);

        pace.Unknown();
        Assert.False(pace.TrainersBehind);
        Assert.Null(pace.SlowestBacklog);
    }

    [Fact]
    public void Pace_TrainerWhoseOffsetsStopMoving_StopsCountingAfterTheIdleTime()
    {
        var time = new FakeTimeProvider();
        var pace = new TrainerPace(new LoadOptions { TrainerBacklogRecords = 100, TrainerIdleSeconds = 30 }, time);
        pace.Observe([new TrainerProgress("stopped", 500, 5_000)]);
        Assert.True(pace.TrainersBehind);

        time.Advance(TimeSpan.FromSeconds(29));
        pace.Observe([new TrainerProgress("stopped", 500, 6_000)]);
        Assert.True(pace.TrainersBehind);

        time.Advance(TimeSpan.FromSeconds(2));
        pace.Observe([new TrainerProgress("stopped", 500, 7_000)]);
        Assert.False(pace.TrainersBehind);
        Assert.Null(pace.SlowestBacklog);

        pace.Observe([new TrainerProgress("stopped", 501, 7_000)]); // it moves again
        Assert.True(pace.TrainersBehind);
    }

    [Theory]
    [InlineData(256, false, true)]  // a full batch, no trainer groups named: shed
    [InlineData(256, true, false)]  // a full batch, the trainers set the pace: full quality
    [InlineData(255, false, false)] // input caught up: full quality
    public void Scorer_ShedsWorkOnlyWhenBackloggedAndNoTrainerSetsThePace(int batch, bool trainersBehind, bool sheds)
    {
        var pace = new TrainerPace(new LoadOptions { TrainerBacklogRecords = 1 }, new FakeTimeProvider());
        pace.Observe([new TrainerProgress("t", 1, trainersBehind ? 10 : 0)]);
        Assert.Equal(sheds, ScorerCore.ShedsWork(batch, 256, pace));
        Assert.Equal(batch >= 256, ScorerCore.ShedsWork(batch, 256, null));
    }

    [Fact]
    public async Task Monitor_ReadsTheTrainerGroupsOffsetsOnTheCluster()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var topics = new TopicOptions { Weighted = $"weighted-{suffix}", Quarantine = $"quarantine-{suffix}", Partitions = 2 };
        using var connection = new KafkaConnection(Options.Create(new KafkaOptions()), Options.Create(topics));
        using (var producer = connection.CreateProducer("test"))
        {
            for (int i = 0; i < 1_000; i++)
            {
                producer.Produce(new TopicPartition(topics.Weighted, i % 2), new Message<byte[], byte[]> { Key = null!, Value = [1] });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        var scorer = new ScorerOptions { Load = { TrainerGroups = [$"trainer-{suffix}", $"absent-{suffix}"], TrainerBacklogRecords = 400, PollIntervalMs = 100 } };
        var pace = new TrainerPace(scorer.Load, TimeProvider.System);
        var services = new ServiceCollection().AddSingleton(connection).BuildServiceProvider();
        using var trainer = connection.CreateReader($"trainer-{suffix}");
        using var monitor = new TrainerPaceMonitor(services, pace, Options.Create(topics), Options.Create(scorer), NullLogger<TrainerPaceMonitor>.Instance);
        await monitor.StartAsync(CancellationToken.None);
        try
        {
            // The trainer has read 300 of partition 0's 500 records: 200 + 500 wait for it.
            trainer.Commit([new TopicPartitionOffset(topics.Weighted, 0, 300)]);
            await Until(() => pace.SlowestBacklog == 700);
            Assert.True(pace.TrainersBehind);

            // It catches up to within the threshold: the scorer is what it waits for.
            trainer.Commit([new TopicPartitionOffset(topics.Weighted, 0, 500), new TopicPartitionOffset(topics.Weighted, 1, 200)]);
            await Until(() => pace.SlowestBacklog == 300);
            Assert.False(pace.TrainersBehind);
        }
        finally
        {
            await monitor.StopAsync(CancellationToken.None);
        }
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "Not reached within 60 s.");
    }
}
