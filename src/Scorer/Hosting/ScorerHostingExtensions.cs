using EasyHard.Core.Configuration;
using EasyHard.Scorer.Feedback;
using EasyHard.Scorer.Load;
using EasyHard.Scorer.Scoring;
using EasyHard.Scorer.State;
using EasyHard.Scorer.Sync;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.Logging;
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
    /// <see cref="ScoringEngine"/>, <see cref="ScorerBatchProcessor"/>, the feedback store, target buffer, <see cref="TrainerPace"/> and
    /// <see cref="ModelSync"/> as singletons, the readers of the feedback and targets topics and the trainer groups' offsets as hosted services (plus
    /// <see cref="TimeProvider.System"/> when none is registered).
    /// </summary>
    public static IHostApplicationBuilder AddScorerCore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ScorerOptions>().BindConfiguration(ScorerOptions.SectionName).ValidateKeys(ScorerOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScorerOptions>, ScorerOptionsValidator>());
        services.AddSampleSchemaOptions();
        services.AddOptions<TopicOptions>().BindConfiguration(TopicOptions.SectionName).ValidateKeys(TopicOptions.SectionName).ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new FeedbackStore(sp.GetRequiredService<IOptions<ScorerOptions>>().Value.Statistics.FeedbackCapacity));
        services.TryAddSingleton(sp => new TargetBuffer(
            sp.GetRequiredService<IOptions<ScorerOptions>>().Value.Statistics.TargetBufferSize,
            sp.GetRequiredService<IOptions<SampleSchemaOptions>>().Value.Dimension));
        services.AddHostedService<FeedbackConsumer>();
        services.AddHostedService<TargetConsumer>();
        services.TryAddSingleton<ScoringEngine>();
        // Before the Kafka worker (added by the host after this): a starting instance reads the fleet's model first.
        services.TryAddSingleton<ModelSync>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelSync>());
        services.TryAddSingleton(sp => new TrainerPace(sp.GetRequiredService<IOptions<ScorerOptions>>().Value.Load, sp.GetRequiredService<TimeProvider>()));
        services.AddHostedService<TrainerPaceMonitor>();
        services.TryAddSingleton(sp => new ScorerBatchProcessor(
            sp.GetRequiredService<ScoringEngine>(),
            sp.GetRequiredService<IOptions<TopicOptions>>(),
            sp.GetRequiredService<ILogger<ScorerBatchProcessor>>(),
            sp.GetRequiredService<ModelSync>(),
            sp.GetRequiredService<IOptions<ScorerOptions>>().Value.Statistics.HistoryChangelog && sp.GetService<KafkaConnection>() is { } connection
                ? new HistoryChangelog(connection, sp.GetRequiredService<IOptions<TopicOptions>>().Value.ScorerState, sp.GetRequiredService<ILogger<HistoryChangelog>>())
                : null,
            sp.GetRequiredService<TrainerPace>()));
        return builder;
    }
}
