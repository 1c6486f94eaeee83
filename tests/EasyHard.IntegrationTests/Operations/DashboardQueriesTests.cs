using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confluent.Kafka;
using EasyHard.Core.Kafka;
using EasyHard.Host.Composition;
using EasyHard.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using static EasyHard.IntegrationTests.Operations.Yaml;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>
/// The Grafana dashboard and alert rules proven against a real Prometheus scraping a running EasyHard (all roles,
/// embedded Kafka, a trickle of samples): every panel query returns data, every alert expression parses, every
/// metric a query names is one the app exports, and the lag metric confirms each role's input topic.
/// </summary>
public sealed partial class DashboardQueriesTests
{
    private const int Dimension = 16;
    private const int Classes = 10;

    [GeneratedRegex(@"\b(?:easyhard|process|dotnet)_[a-z0-9_]+\b")]
    private static partial Regex MetricNamePattern();

    [Fact]
    public void Dashboard_Panels_UseTheDatasourceVariable_AndHeatmapsReadHistogramBuckets()
    {
        var dashboard = GrafanaDashboard.Load();
        Assert.Equal("easyhard", dashboard.GetProperty("uid").GetString());
        var panels = GrafanaDashboard.Panels(dashboard).ToList();
        Assert.True(panels.Count >= 20, $"{panels.Count} panels");
        foreach (var panel in panels)
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
        }

        var queries = GrafanaDashboard.Queries(dashboard);
        Assert.All(queries, q => Assert.DoesNotContain("$", q.Resolved, StringComparison.Ordinal));
        var heatmaps = queries.Where(q => q.PanelType == "heatmap").ToList();
        Assert.True(heatmaps.Count >= 3, "difficulty, noise and weight heatmaps");
        Assert.All(heatmaps, q =>
        {
            Assert.Equal("heatmap", q.Format);
            Assert.Contains("_bucket[", q.Expr, StringComparison.Ordinal);
            Assert.Contains("by (le)", q.Expr, StringComparison.Ordinal);
        });
        foreach (var histogram in new[] { "easyhard_scorer_difficulty_ratio", "easyhard_scorer_noise_ratio", "easyhard_scorer_weight_ratio" })
        {
            Assert.Contains(heatmaps, q => q.Expr.Contains(histogram + "_bucket", StringComparison.Ordinal));
        }

        Assert.Contains(queries, q => q.Expr.Contains("easyhard_scorer_class_noise_rate_ratio", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Expr.Contains("easyhard_scorer_proxy_accuracy_ratio", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Expr.Contains("easyhard_scorer_noise_rate_estimate_ratio", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Dashboard_EveryPanelQuery_ReturnsData_FromARealPrometheusScrapingEasyHard()
    {
        var clock = Stopwatch.StartNew();
        var dashboardQueries = GrafanaDashboard.Queries(GrafanaDashboard.Load());
        var alertExprs = List(Require(RepositoryFiles.ReadYaml("deploy/prometheus/alerts.yml"), "groups"), "groups")
            .SelectMany(g => List(Require(g, "rules"), "rules"))
            .Select(r => (Name: RequireStr(r, "alert"), Expr: RequireStr(r, "expr")))
            .ToList();

        var directory = Directory.CreateTempSubdirectory("easyhard-ops-");
        var httpPort = PrometheusServer.FreePort();
        var app = EasyHardApp.Build(Roles.All,
        [
            "--Kafka:BootstrapServers=embedded",
            "--Http:BindAddress=127.0.0.1",
            $"--Http:Port={httpPort}",
            $"--Sink:Database:ConnectionString=Data Source={Path.Combine(directory.FullName, "easyhard.db")}",
            $"--Scorer:CheckpointPath={Path.Combine(directory.FullName, "scorer.ckpt")}",
            "--Scorer:CheckpointIntervalSeconds=1",
            "--Scorer:Device=cpu",
            "--Scorer:Statistics:WarmupSamples=100",
            $"--Schema:Dimension={Dimension}",
            $"--Schema:Classes={Classes}",
            "--Ingest:Batching:MaxBatchDelayMs=20",
            "--Scorer:Batching:MaxBatchDelayMs=20",
            "--Sink:Batching:MaxBatchDelayMs=20",
        ]);
        using var stop = new CancellationTokenSource();
        Task? producing = null;
        try
        {
            await app.StartAsync();
            await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{httpPort}", TimeSpan.FromSeconds(30));

            var bootstrap = app.Services.GetRequiredService<KafkaConnection>().BootstrapServers;
            producing = Task.Run(() => ProduceUntilStopped(bootstrap, RoleExpectations.Topics.Input, stop.Token));

            await Eventually.WaitUntilAsync(async () => await prometheus.TargetHealthAsync() == "up",
                TimeSpan.FromSeconds(20), () => $"EasyHard's /metrics scraped by prometheus\n{prometheus.Log}");

            // Every panel query must come back successful and non-empty. A query Prometheus rejects fails at once;
            // one that is merely empty is retried until data has flowed through all roles and been scraped twice.
            var pending = dashboardQueries.ToList();
            var lastAnswers = new Dictionary<GrafanaDashboard.Query, string>();
            await Eventually.WaitUntilAsync(async () =>
            {
                foreach (var query in pending.ToList())
                {
                    var (status, result, raw) = await prometheus.QueryAsync(query.Resolved);
                    Assert.True(status == "success", $"{query}\n→ {raw}");
                    if (result.GetArrayLength() > 0)
                    {
                        pending.Remove(query);
                    }
                    else
                    {
                        lastAnswers[query] = raw;
                    }
                }

                return pending.Count == 0;
            }, TimeSpan.FromSeconds(120), () =>
                $"{pending.Count} of {dashboardQueries.Count} dashboard queries still empty:\n"
                + string.Join('\n', pending.Select(q => $"{q}\n   → {lastAnswers.GetValueOrDefault(q)}")));

            // Alert expressions: valid PromQL against this Prometheus (a result is not required: nothing is wrong).
            foreach (var (name, expr) in alertExprs)
            {
                var (status, _, raw) = await prometheus.QueryAsync(expr);
                Assert.True(status == "success", $"alert {name}: {expr}\n→ {raw}");
            }

            // Every metric a panel or alert names is one EasyHard exports (catches typos hidden by `or vector(0)`).
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/") };
            var exposition = await http.GetStringAsync(RoleExpectations.MetricsPath.TrimStart('/'));
            var families = ExportedFamilies(exposition);
            var named = dashboardQueries.Select(q => q.Expr).Concat(alertExprs.Select(a => a.Expr))
                .SelectMany(e => MetricNamePattern().Matches(e).Select(m => m.Value)).Distinct().ToList();
            Assert.NotEmpty(named);
            Assert.All(named, name => Assert.True(IsExported(name, families), $"{name} is not exported by EasyHard (/metrics has {families.Count} families)"));

            // Each role's lag is reported for the input topic the KEDA ScaledObject watches. The registry is the
            // process's, shared with other tests' pipelines, so panels can show data before this pipeline's first
            // commit has set its lag: wait for this topic's series itself.
            foreach (var role in RoleExpectations.Roles)
            {
                var raw = "";
                await Eventually.WaitUntilAsync(async () =>
                {
                    var (status, result, answer) = await prometheus.QueryAsync($"easyhard_{role}_consumer_lag_records");
                    Assert.Equal("success", status);
                    raw = answer;
                    return result.EnumerateArray().Any(s => s.GetProperty("metric").GetProperty("topic").GetString() == RoleExpectations.InputTopic(role));
                }, TimeSpan.FromSeconds(60), () => $"{role} lag topics: {raw}");
            }

            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"took {clock.Elapsed}");
        }
        finally
        {
            await stop.CancelAsync();
            if (producing is not null)
            {
                await producing;
            }

            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // SQLite may release its file a moment after disposal; the temp folder is the OS's to clean.
            }
        }
    }

    /// <summary>Names of the metric families in a text exposition (<c># TYPE name kind</c>).</summary>
    private static Dictionary<string, string> ExportedFamilies(string exposition) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(p => p[2], p => p[3], StringComparer.Ordinal);

    private static bool IsExported(string name, Dictionary<string, string> families)
    {
        if (families.ContainsKey(name))
        {
            return true;
        }

        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(name[..^suffix.Length], out var kind) && kind is "histogram" or "summary")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A steady trickle of JSON samples (class-dependent feature means, so the proxy learns) plus the odd bad
    /// record (so the dead-letter series move), until stopped.
    /// </summary>
    private static async Task ProduceUntilStopped(string bootstrap, string topic, CancellationToken stop)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 5 }).Build();
        var random = new Random(7);
        var sent = 0;
        while (!stop.IsCancellationRequested)
        {
            for (int i = 0; i < 50; i++, sent++)
            {
                var label = random.Next(Classes);
                var features = new StringBuilder();
                for (int d = 0; d < Dimension; d++)
                {
                    var value = (d % Classes == label ? 2.0 : 0.0) + (random.NextDouble() - 0.5);
                    features.Append(d == 0 ? "" : ",").Append(value.ToString("R", CultureInfo.InvariantCulture));
                }

                var given = random.NextDouble() < 0.2 ? random.Next(Classes) : label;
                var json = sent % 97 == 0
                    ? "{\"id\": \"broken-" + sent.ToString(CultureInfo.InvariantCulture) + "\", \"features\": [1, 2], \"label\": 3}"
                    : $"{{\"id\":\"s-{sent}\",\"features\":[{features}],\"label\":{given},\"attributes\":{{\"is_noisy\":\"{(given != label ? "true" : "false")}\"}}}}";
                producer.Produce(topic, new Message<string, string> { Key = $"s-{sent}", Value = json });
            }

            producer.Flush(TimeSpan.FromSeconds(10));
            try
            {
                // Pacing of the load generator, not synchronization: the test waits on Prometheus' answers.
                await Task.Delay(TimeSpan.FromMilliseconds(200), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }
        }
    }
}
