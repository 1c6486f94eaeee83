using EasyHard.Core.Configuration;
using EasyHard.Ingest.Parsing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EasyHard.Ingest;

/// <summary>Registers Ingest's functional core; the Kafka worker around it is registered by the host.</summary>
public static class IngestRegistration
{
    public static IHostApplicationBuilder AddIngestCore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.SectionName).ValidateKeys(IngestOptions.SectionName).ValidateOnStart();
        builder.Services.AddSampleSchemaOptions();
        builder.Services.AddOptions<TopicOptions>().BindConfiguration(TopicOptions.SectionName).ValidateKeys(TopicOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddSingleton(sp => new SampleParser(sp.GetRequiredService<IOptions<SampleSchemaOptions>>().Value));
        builder.Services.TryAddSingleton<IngestBatchProcessor>();
        return builder;
    }
}
