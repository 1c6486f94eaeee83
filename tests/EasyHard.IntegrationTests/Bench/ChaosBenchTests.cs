using System.Text.Json;
using EasyHard.Host.Bench.Chaos;
using EasyHard.Host.Bench.Common;
using Xunit.Abstractions;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>
/// <c>easyhard bench chaos</c> for about half a minute of load per fixed seed: each role in its own process, faults
/// from the seed's schedule, every input id accounted for. Each seed uses the fault kinds that hold on this code.
/// </summary>
public sealed class ChaosBenchTests(ITestOutputHelper output)
{
    /// <summary>
    /// Kinds not yet in <see cref="SeedsAndFaults"/>: a record too large for the dead-letter topic (oversized) or for
    /// easyhard.samples once canonicalized (near-limit) stops Ingest for good today, so every later id goes missing.
    /// Once poison pills are dead-lettered, move them into the seeds below; <see cref="Chaos_Oversized_TodayStallsIngest_AndTheVerifierFailsTheRun"/>
    /// fails on that day to say so.
    /// </summary>
    public const string AwaitingPoisonPillFix = "oversized,near-limit";

    /// <summary>
    /// Not yet in <see cref="SeedsAndFaults"/> either: when outages overlap (seed 15: brokers 1, 2 and 3 each down
    /// within one second), Ingest and the Scorer retry <c>CommitTransaction</c> for good ("Conflicting commit_transaction
    /// API call is already in progress", backing off 30 s per attempt) and the stream stops; seeds 11 and 13 with
    /// broker-down stalled the Scorer and the Sink on "outputs not delivered within 10 s". Move it into the seeds once
    /// a transaction that outlived its outage is recovered.
    /// </summary>
    public const string AwaitingBrokerOutageFix = "broker-down";

    public static TheoryData<int, string> SeedsAndFaults => new()
    {
        { 11, "kill,term,leader-move,request-errors" },
        { 12, "kill,member-churn,request-errors,leader-move" },
        { 13, "postgres-restart,member-churn,term" },
    };

    [Theory]
    [MemberData(nameof(SeedsAndFaults))]
    public async Task Chaos_FixedSeed_EveryInputIdAccountedFor(int seed, string faults)
    {
        var result = await RunAsync(seed, faults);

        Assert.True(result.Passed, ChaosReport.Markdown(result));
        Assert.True(result.Account.Produced > 1000, $"{result.Account.Produced} produced");
        var account = result.Account;
        Assert.Equal(account.Produced, account.OnceOnTrainerStream + account.Duplicates + account.DeadLettered + account.Missing);
        Assert.InRange(account.RepeatedRecords, account.Duplicates, account.VisibleRepeatAllowance);
        Assert.Equal(FaultKinds.Parse(faults).Select(FaultKinds.NameOf).Order(), result.Faults.Select(f => f.Kind).Distinct().Order());
        Assert.DoesNotContain(result.Faults, f => f.Outcome.StartsWith("error", StringComparison.Ordinal));
        AssertWritesJsonAndMarkdown(result);
    }

    /// <summary>
    /// The verifier fails a run that loses ids, end to end: today an oversized record stops Ingest (its dead letter is
    /// larger than the producer allows), so the ids after it are neither on the trainer stream nor dead-lettered and no
    /// role reports them lost to retention. When this test fails, oversized records are dead-lettered: move
    /// <see cref="AwaitingPoisonPillFix"/> into <see cref="SeedsAndFaults"/> and delete this test.
    /// </summary>
    [Fact]
    public async Task Chaos_Oversized_TodayStallsIngest_AndTheVerifierFailsTheRun()
    {
        var result = await RunAsync(14, "oversized,term");

        Assert.False(result.Passed, "the run passed: oversized records are dead-lettered now; enable " + AwaitingPoisonPillFix);
        Assert.True(result.Account.Missing > 0);
        Assert.Equal(0, result.Account.LostToRetentionByMetric);
        Assert.Contains(result.Account.Failures, f => f.Contains("neither on the trainer stream nor dead-lettered", StringComparison.Ordinal));
    }

    private async Task<ChaosResult> RunAsync(int seed, string faults)
    {
        var settings = new ChaosSettings(TimeSpan.FromSeconds(35), seed, FaultKinds.Parse(faults), Rate: 100, Dimension: 16, MeanGapSeconds: 3,
            Settle: TimeSpan.FromSeconds(25), Postgres: false, ExtraConfig: []);
        var log = new StringWriter();
        var result = await ChaosBench.RunAsync(settings, log, CancellationToken.None);
        output.WriteLine(log.ToString());
        output.WriteLine(ChaosReport.Markdown(result));
        return result;
    }

    private static void AssertWritesJsonAndMarkdown(ChaosResult result)
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-chaos-test-");
        try
        {
            var (jsonPath, markdownPath) = BenchOutput.Write(directory, "chaos", result, ChaosReport.Markdown(result), new StringWriter());
            using var json = JsonDocument.Parse(File.ReadAllText(jsonPath));
            var root = json.RootElement;
            Assert.True(root.GetProperty("passed").GetBoolean());
            Assert.Equal(result.Faults.Count, root.GetProperty("faults").GetArrayLength());
            Assert.True(root.GetProperty("faults")[0].GetProperty("started_seconds").GetDouble() > 0);
            Assert.Equal(result.Account.Produced, root.GetProperty("account").GetProperty("produced").GetInt64());
            Assert.Contains("Verdict: **pass**", File.ReadAllText(markdownPath), StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
