using EasyHard.Core.Configuration;
using EasyHard.Scorer.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer;

/// <summary>Registers the scorer's functional core; the Kafka worker is added by the host.</summary>
public static class ScorerHostingExtensions
{
    /// <summary>
    /// Binds and validates <c>Scorer</c>, <c>Schema</c> and <c>Topics</c> at start, and registers
    /// <see cref="ScoringEngine"/> and <see cref="ScorerBatchProcessor"/> as singletons (plus
    /// <see cref="TimeProvider.System"/> when none is registered).
    /// </summary>
    public static IHostApplicationBuilder AddScorerCore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ScorerOptions>().BindConfiguration(ScorerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScorerOptions>, ScorerOptionsValidator>());
        services.AddOptions<SampleSchemaOptions>().BindConfiguration(SampleSchemaOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TopicOptions>().BindConfiguration(TopicOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ScoringEngine>();
        services.TryAddSingleton<ScorerBatchProcessor>();
        return builder;
    }
}
