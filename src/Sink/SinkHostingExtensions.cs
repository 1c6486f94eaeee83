using EasyHard.Core.Configuration;
using EasyHard.Sink.Health;
using EasyHard.Sink.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace EasyHard.Sink;

/// <summary>Registers the Sink's functional core; the Kafka worker that drives it is registered by the host.</summary>
public static class SinkHostingExtensions
{
    /// <summary>Readiness tag of <see cref="SqlHealthCheck"/> (served on <c>/health/ready</c>).</summary>
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddSinkCore(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SinkOptions>()
            .BindConfiguration(SinkOptions.SectionName)
            .ValidateKeys(SinkOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SinkOptions>, SinkOptionsValidator>());
        services.AddOptions<TopicOptions>()
            .BindConfiguration(TopicOptions.SectionName)
            .ValidateKeys(TopicOptions.SectionName)
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISampleStore>(sp =>
        {
            var sink = sp.GetRequiredService<IOptions<SinkOptions>>().Value;
            return SampleStoreFactory.Create(sink.Database, sp.GetRequiredService<TimeProvider>(), sink.Report);
        });
        // Migrates in the background, retrying while the database is down; SchemaState holds writes back until then.
        services.TryAddSingleton<SchemaState>();
        services.AddHostedService<SinkMigrationService>();
        services.TryAddSingleton<SinkBatchProcessor>();
        services.TryAddSingleton<DeadLetterLedger>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(SqlHealthCheck.Name, sp => new SqlHealthCheck(
            sp.GetRequiredService<ISampleStore>(), sp.GetRequiredService<SchemaState>(),
            DatabaseTarget.Describe(sp.GetRequiredService<IOptions<SinkOptions>>().Value.Database)), HealthStatus.Unhealthy, [ReadyTag]));
        return builder;
    }
}
