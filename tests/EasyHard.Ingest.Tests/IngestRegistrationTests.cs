using EasyHard.Core.Configuration;
using EasyHard.Ingest.Parsing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EasyHard.Ingest.Tests;

public sealed class IngestRegistrationTests
{
    [Fact]
    public void AddIngestCore_BindsSectionsAndResolvesProcessor()
    {
        var builder = Builder(new()
        {
            ["Ingest:GroupId"] = "g-test",
            ["Ingest:Batching:MaxBatchSize"] = "64",
            ["Schema:Dimension"] = "4",
            ["Topics:Samples"] = "s-test",
        });

        builder.AddIngestCore();
        using var host = builder.Build();

        var ingest = host.Services.GetRequiredService<IOptions<IngestOptions>>().Value;
        Assert.Equal("g-test", ingest.GroupId);
        Assert.Equal(64, ingest.Batching.MaxBatchSize);
        Assert.Equal(4, host.Services.GetRequiredService<IOptions<SampleSchemaOptions>>().Value.Dimension);
        Assert.NotNull(host.Services.GetRequiredService<SampleParser>());
        Assert.Same(host.Services.GetRequiredService<IngestBatchProcessor>(), host.Services.GetRequiredService<IngestBatchProcessor>());
    }

    [Fact]
    public void IngestOptions_Defaults()
    {
        var options = new IngestOptions();

        Assert.Equal("Ingest", IngestOptions.SectionName);
        Assert.Equal("easyhard-ingest", options.GroupId);
        Assert.NotNull(options.Batching);
    }

    [Fact]
    public async Task AddIngestCore_InvalidNestedBatching_FailsAtStartNamingTheKey()
    {
        var builder = Builder(new() { ["Ingest:Batching:MaxBatchSize"] = "0" });
        builder.AddIngestCore();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Ingest:Batching:MaxBatchSize", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddIngestCore_InvalidSchema_FailsAtStart()
    {
        var builder = Builder(new() { ["Schema:Classes"] = "1" });
        builder.AddIngestCore();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Classes", error.Message, StringComparison.Ordinal);
    }

    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }
}
