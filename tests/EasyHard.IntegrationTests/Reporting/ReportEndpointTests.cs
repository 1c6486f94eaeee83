using System.Net;
using EasyHard.Host.Composition;
using EasyHard.IntegrationTests.Infrastructure;
using EasyHard.IntegrationTests.Operations;

namespace EasyHard.IntegrationTests.Reporting;

/// <summary><c>/report</c> on the Sink's HTTP port: the report page of its own database, read-only.</summary>
public sealed class ReportEndpointTests
{
    [Fact]
    public async Task Report_OnSinkPort_ServesThePageOnceMigrated_AndRefusesWrites()
    {
        var directory = Directory.CreateTempSubdirectory("easyhard-report-endpoint-");
        var httpPort = PrometheusServer.FreePort();
        await using var app = EasyHardApp.Build(Roles.Sink,
        [
            "--Kafka:BootstrapServers=embedded",
            "--Http:BindAddress=127.0.0.1",
            $"--Http:Port={httpPort}",
            $"--Sink:Database:ConnectionString=Data Source={Path.Combine(directory.FullName, "easyhard.db")}",
            "--Schema:Classes=2",
            "--Schema:ClassNames:0=Cat",
            "--Schema:ClassNames:1=Dog",
        ]);
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}/"), Timeout = TimeSpan.FromSeconds(30) };

            // The schema is migrated in the background; until then the page says why it cannot be drawn.
            HttpResponseMessage? response = null;
            await Eventually.WaitUntilAsync(async () =>
            {
                response?.Dispose();
                response = await http.GetAsync("report?top=5");
                return response.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(60), () => $"/report answers 200 once the schema is migrated (last: {response?.StatusCode})");

            Assert.Equal("text/html", response!.Content.Headers.ContentType?.MediaType);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("<h1>EasyHard report</h1>", html, StringComparison.Ordinal);
            Assert.Contains("id=\"gallery\"", html, StringComparison.Ordinal);
            Assert.Contains("Most likely mislabelled: top 0", html, StringComparison.Ordinal);
            using var post = await http.PostAsync("report", new StringContent(""));
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
            response.Dispose();
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
