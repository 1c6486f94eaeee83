using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using EasyHard.Bench.Common;
using EasyHard.IntegrationTests.Faults;
using EasyHard.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace EasyHard.IntegrationTests.TwoProcesses;

/// <summary>
/// <c>easyhard kafka</c> in one process, <c>easyhard run --role all --Kafka:BootstrapServers=&lt;its address&gt;</c> in
/// another, a Python producer and a read_committed Python trainer: restarts resume where they stopped, a member killed
/// with SIGKILL is replaced within seconds and says what it waits for, and input the mock's retention deleted before it
/// was read is counted, logged and reported, never silently skipped.
/// </summary>
public sealed partial class EmbeddedKafkaProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RunRestartedWithSigterm_ResumesWhereItStopped_NothingReplayed()
    {
        using var setup = await EmbeddedKafkaProcess.StartAsync();
        try
        {
            setup.StartRun();
            await setup.ProduceAsync(first: 0, count: 300);
            Assert.Equal((300, 300), await setup.ReadTrainerStreamAsync(300));

            setup.Run.Terminate(TimeSpan.FromSeconds(60));
            setup.StartRun();
            await setup.ProduceAsync(first: 300, count: 300);

            // Each id once: the restarted roles resumed from their offsets instead of replaying the first 300.
            Assert.Equal((600, 600), await setup.ReadTrainerStreamAsync(600));
            // easyhard kafka and easyhard run agree on the partitions without being told (Topics:Partitions, 8).
            Assert.Equal(8, (await setup.WatermarksAsync("training-samples", 0)).Partitions);
        }
        finally
        {
            output.WriteLine(setup.RunOutput);
        }
    }

    [Fact]
    public async Task RunKilledWhileRetentionDeletesItsInput_ReclaimsPartitionsPromptly_AndReportsEveryLostRecord()
    {
        using var setup = await EmbeddedKafkaProcess.StartAsync();
        try
        {
            setup.StartRun();
            await setup.ProduceAsync(first: 0, count: 100);
            Assert.Equal((100, 100), await setup.ReadTrainerStreamAsync(100));

            setup.Run.KillHard();
            var readUpTo = (await setup.WatermarksAsync("training-samples", 0)).High;
            // About 6.5 MB into partition 0 while nothing reads it: past the mock's 5 MiB, its oldest batches go.
            const int flood = 1600;
            await setup.ProduceAsync(100, flood, "--partition", "0", "--pad", "4000");
            var (low, _, _) = await setup.WatermarksAsync("training-samples", 0);
            var lost = low - readUpTo;
            Assert.True(lost > 0, $"retention deleted nothing (low watermark {low}, read up to {readUpTo})");
            output.WriteLine($"retention deleted offsets {readUpTo} to {low - 1} of training-samples [0]");

            var restarted = Stopwatch.StartNew();
            setup.StartRun();
            await Eventually.WaitUntilAsync(() => Task.FromResult(Assigned().IsMatch(setup.Run.Output)), TimeSpan.FromSeconds(90),
                () => "the restarted ingest got its partitions");
            var waited = double.Parse(Assigned().Match(setup.Run.Output).Groups[1].Value, CultureInfo.InvariantCulture);
            output.WriteLine($"the restarted ingest got its partitions after {waited} s ({restarted.Elapsed.TotalSeconds:F1} s after its start)");
            // The killed member's session (10 s on the mock, not librdkafka's 45 s) bounds the wait, and it was said.
            Assert.True(waited < 20, $"waited {waited} s for the killed member's partitions");
            Assert.Contains("for the coordinator of group easyhard-ingest to assign it partitions", setup.Run.Output);

            var expected = (int)(100 + flood - lost);
            Assert.Equal((expected, expected), await setup.ReadTrainerStreamAsync(expected));
            Assert.Contains($"ingest lost {lost} records of training-samples [0] to retention: offsets {readUpTo} to {low - 1}", setup.Run.Output);
            Assert.Contains($"easyhard_ingest_records_lost_to_retention_total{{topic=\"training-samples\",partition=\"0\"}} {lost}",
                await setup.GetAsync("/metrics"));
            Assert.Contains($"records lost to retention: ingest training-samples [0] {lost}", await setup.GetAsync("/health/ready"));
            Assert.Contains("retention: the mock cluster keeps at most 5 MiB", setup.KafkaOutput);
        }
        finally
        {
            output.WriteLine(setup.RunOutput);
        }
    }

    [Fact]
    public async Task ProduceAheadOfEasyhard_HoldsBackWithinRetention_AndNothingIsLost()
    {
        using var setup = await EmbeddedKafkaProcess.StartAsync();
        using var producer = RoleProcess.StartCommand(["produce", "--dataset", "synthetic", "--count", "6000", "--noise", "none",
            "--bootstrap", setup.BootstrapServers, "--max-backlog", "2000"]);
        try
        {
            // Nothing reads yet: the producer stops at its backlog instead of writing into the retention.
            await Eventually.WaitUntilAsync(() => Task.FromResult(producer.Output.Contains("not yet read by ingest", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(60), () => $"the producer holds back:\n{producer.RecentOutput}");
            // The producer's last batches may still be in flight when it says so: wait for the brokers to show them.
            var written = 0L;
            await Eventually.WaitUntilAsync(async () =>
            {
                written = 0;
                for (var partition = 0; partition < 8; partition++)
                {
                    written += (await setup.WatermarksAsync("training-samples", partition)).High;
                }

                return written >= 2000;
            }, TimeSpan.FromSeconds(30), () => $"the brokers show {written} records written");

            Assert.InRange(written, 2000, 2000 + 256);
            Assert.Contains("retention: the mock cluster keeps at most 5 MiB", producer.Output);

            setup.StartRun(dimension: 64);
            await Eventually.WaitUntilAsync(() => Task.FromResult(producer.HasExited), TimeSpan.FromMinutes(3), () => "the producer finished");
            Assert.Equal((6000, 6000), await setup.ReadTrainerStreamAsync(6000));
            Assert.DoesNotContain("to retention", setup.Run.Output);
        }
        finally
        {
            output.WriteLine(producer.RecentOutput);
            output.WriteLine(setup.RunOutput);
        }
    }

    [GeneratedRegex(@"ingest got its partitions of group easyhard-ingest after ([0-9.]+) s")]
    private static partial Regex Assigned();
}
