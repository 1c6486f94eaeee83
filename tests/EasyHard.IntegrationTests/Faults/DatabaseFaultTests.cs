using System.Net;
using EasyHard.Bench.Common;
using EasyHard.IntegrationTests.Infrastructure;
using EasyHard.IntegrationTests.Operations;
using Xunit.Abstractions;

namespace EasyHard.IntegrationTests.Faults;

/// <summary>
/// PostgreSQL stopped mid-stream and started again: the Sink retries with backoff, <c>/health/ready</c> answers
/// 503 meanwhile, and after recovery every id is in SQL and on the trainer stream exactly once.
/// </summary>
public sealed class DatabaseFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Postgres_StoppedMidStream_AndRestarted_SinkRetries_ReportsNotReady_ExactlyOnce()
    {
        await using var server = await PrivatePostgres.StartAsync();
        var httpPort = PrometheusServer.FreePort();
        await using var harness = await FaultHarness.WithPostgresAsync("pg-down", server.ConnectionString,
            "--Http:BindAddress=127.0.0.1", $"--Http:Port={httpPort}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        await harness.Run.StartAsync();
        await Eventually.WaitUntilAsync(async () => (await http.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), () => "/health/ready is 200 once every role consumes");
        var ready = await http.GetStringAsync("health/ready");
        Assert.StartsWith("Healthy\n", ready, StringComparison.Ordinal);
        // Each role's step, in name order: the Sink's count of the dead-letter topic (dead_letter_ledger) comes first.
        Assert.Matches(@"roles: Healthy all roles ready \(dead_letter_ledger [^;]+; ingest [^;]+; scorer [^;]+; sink ", ready);
        Assert.StartsWith("Healthy\nstuck: Healthy no role stuck", await http.GetStringAsync("health/live"), StringComparison.Ordinal);

        var producing = harness.ProduceAsync(seed: 41);
        await harness.WaitForStoredAsync(FaultHarness.Count / 4, TimeSpan.FromMinutes(2));
        await server.HaltAsync();
        output.WriteLine("PostgreSQL halted");
        // The paced stream may already be drained when the halt completes (a slow start lets records pile up, then
        // they flow at once): a tranche produced during the outage guarantees that the Sink has batches to write.
        var duringOutage = await harness.ProduceAsync(seed: 42, count: 300, idPrefix: "outage");

        string readiness = "";
        await Eventually.WaitUntilAsync(async () =>
        {
            using var response = await http.GetAsync("health/ready");
            readiness = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(60), () => $"/health/ready reports not ready while the database is down (last: {readiness})");
        output.WriteLine($"/health/ready while down: 503 {readiness}");
        Assert.StartsWith("Unhealthy\n", readiness, StringComparison.Ordinal);
        Assert.Contains("sink-sql: Unhealthy SQL database unreachable.", readiness, StringComparison.Ordinal);
        // The SQL health check notices at once; the Sink's own readiness drops when its next batch fails to write.
        await Eventually.WaitUntilAsync(async () => (await http.GetStringAsync("metrics")).Contains("easyhard_sink_ready 0", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60), () => "easyhard_sink_ready 0 while the database is down");

        await Task.Delay(TimeSpan.FromSeconds(3)); // the rest of the outage
        await server.StartAgainAsync();
        output.WriteLine("PostgreSQL started again");

        IReadOnlyList<string> ids = [.. await producing, .. duringOutage];
        await harness.WaitForAllAsync(ids);
        await Eventually.WaitUntilAsync(async () => (await http.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), () => "/health/ready back to 200 after recovery");
        await harness.Run.StopAsync();
        await ExactlyOnceVerifier.AssertExactlyOnceAsync(harness, ids, output);
    }

    [Fact]
    public async Task Postgres_DownAtStart_SinkStartsNotReadyNamingTheKey_ThenRecovers_ExactlyOnce()
    {
        await using var server = await PrivatePostgres.StartAsync();
        var httpPort = PrometheusServer.FreePort();
        await using var harness = await FaultHarness.WithPostgresAsync("pg-start", server.ConnectionString,
            "--Http:BindAddress=127.0.0.1", $"--Http:Port={httpPort}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(10) };
        await server.HaltAsync();

        // Used to throw the Npgsql connection failure out of StartAsync and stop the process.
        await harness.Run.StartAsync();

        string readiness = "";
        await Eventually.WaitUntilAsync(async () =>
        {
            using var response = await http.GetAsync("health/ready");
            readiness = await response.Content.ReadAsStringAsync();
            return response.StatusCode == HttpStatusCode.ServiceUnavailable && readiness.Contains("sink-sql: Unhealthy", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(60), () => $"/health/ready reports the database while it is down at start (last: {readiness})");
        output.WriteLine($"/health/ready while down at start: 503 {readiness}");
        Assert.Contains("SQL schema not migrated: database not reachable, check Sink:Database:ConnectionString (postgres: Host=127.0.0.1;", readiness, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", readiness, StringComparison.OrdinalIgnoreCase);

        var producing = harness.ProduceAsync(seed: 43);
        await Task.Delay(TimeSpan.FromSeconds(2)); // records arrive while the schema is still missing
        await server.StartAgainAsync();
        output.WriteLine("PostgreSQL started");

        var ids = await producing;
        await harness.WaitForAllAsync(ids);
        await Eventually.WaitUntilAsync(async () => (await http.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(60), () => "/health/ready is 200 once the schema is migrated");
        await harness.Run.StopAsync();
        await ExactlyOnceVerifier.AssertExactlyOnceAsync(harness, ids, output);
    }
}
