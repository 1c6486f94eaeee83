using EasyHard.Sink.Health;
using EasyHard.Sink.Persistence;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EasyHard.Sink.Tests.Configuration;

public sealed class SinkHostingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "easyhard-sink-host-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new SinkOptions();

        Assert.Equal("easyhard-sink", options.GroupId);
        Assert.Equal(DatabaseProviders.Sqlite, options.Database.Provider);
        Assert.Equal("Data Source=data/easyhard.db", options.Database.ConnectionString);
        Assert.Equal("headers", options.TrainerStream.Mode);
        Assert.True(options.TrainerStream.EmitQuarantine);
        Assert.True(new SinkOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("Sink:Database:Provider", "mysql", "Sink:Database:Provider")]
    [InlineData("Sink:TrainerStream:Mode", "xml", "Sink:TrainerStream:Mode")]
    [InlineData("Sink:Database:ConnectionString", "", "Sink:Database:ConnectionString")]
    [InlineData("Sink:Batching:MaxBatchSize", "0", "Sink:Batching:MaxBatchSize")]
    [InlineData("Sink:GroupId", "", "Sink:GroupId")]
    public async Task Start_BadConfiguration_FailsNamingTheKey(string key, string value, string expectedKey)
    {
        using var host = BuildHost(new() { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expectedKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_SqliteDefaults_MigratesAndReportsHealthy()
    {
        var file = Path.Combine(_directory, "db", "sink.db");
        using var host = BuildHost(new() { ["Sink:Database:ConnectionString"] = $"Data Source={file}" });

        await host.StartAsync();
        try
        {
            var store = host.Services.GetRequiredService<ISampleStore>();
            Assert.Equal(0, await store.CountAsync(CancellationToken.None));
            Assert.NotNull(host.Services.GetRequiredService<SinkBatchProcessor>());
            var report = await host.Services.GetRequiredService<HealthCheckService>()
                .CheckHealthAsync(r => r.Tags.Contains(SinkHostingExtensions.ReadyTag));
            Assert.Equal(HealthStatus.Healthy, report.Status);
            Assert.Contains(SqlHealthCheck.Name, report.Entries.Keys);
        }
        finally
        {
            await host.StopAsync();
            await host.Services.GetRequiredService<ISampleStore>().DisposeAsync();
        }
    }

    [Fact]
    public async Task SqlHealthCheck_DatabaseUnreachable_IsUnhealthy()
    {
        // A directory where the database file should be: SQLite cannot open it.
        Directory.CreateDirectory(Path.Combine(_directory, "is-a-directory.db"));
        await using var store = new SqliteSampleStore(
            new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_directory, "is-a-directory.db")}" },
            TimeProvider.System);
        var check = new SqlHealthCheck(store);

        var result = await check.CheckHealthAsync(new HealthCheckContext
        {
            Registration = new HealthCheckRegistration(SqlHealthCheck.Name, check, HealthStatus.Unhealthy, ["ready"]),
        });

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.NotNull(result.Exception);
    }

    private IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        settings.TryAdd("Sink:Database:ConnectionString", $"Data Source={Path.Combine(_directory, "default.db")}");
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSinkCore();
        return builder.Build();
    }
}
