using System.Text.Json;
using EasyHard.Bench.Chaos;
using EasyHard.Bench.Common;
using Xunit.Abstractions;

namespace EasyHard.IntegrationTests.Bench;

/// <summary>
/// <c>easyhard bench chaos</c> for about half a minute of load per fixed seed: each role in its own process, faults
/// from the seed's schedule, every input id accounted for. Every kind appears in at least one seed, broker outages
/// in two (once with member churn).
/// </summary>
public sealed class ChaosBenchTests(ITestOutputHelper output)
{
    public static TheoryData<int, string> SeedsAndFaults => new()
    {
        { 11, "kill,term,leader-move,request-errors,oversized,broker-down" },
        { 12, "kill,member-churn,request-errors,leader-move,near-limit,broker-down" },
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

    private async Task<ChaosResult> RunAsync(int seed, string faults)
    {
        var settings = new ChaosSettings(TimeSpan.FromSeconds(35), seed, FaultKinds.Parse(faults), Rate: 100, Dimension: 16, MeanGapSeconds: 3,
            Settle: TimeSpan.FromSeconds(45), Postgres: false, ExtraConfig: []);
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
