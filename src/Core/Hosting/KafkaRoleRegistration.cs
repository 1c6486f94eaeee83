using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Core.Hosting;

/// <summary>Registers the Kafka shell (connection, readiness, one worker per role) around each role's batch processor.</summary>
public static class KafkaRoleRegistration
{
    /// <summary>Kafka connection, readiness and clock shared by every role of the process.</summary>
    public static IHostApplicationBuilder AddKafkaShell(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KafkaOptions>().BindConfiguration(KafkaOptions.SectionName).ValidateKeys(KafkaOptions.SectionName).ValidateOnStart();
        builder.Services.AddOptions<TopicOptions>().BindConfiguration(TopicOptions.SectionName).ValidateKeys(TopicOptions.SectionName).ValidateOnStart();
        builder.Services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.SectionName).ValidateKeys(DeliveryOptions.SectionName).ValidateOnStart();
        builder.Services.AddSampleSchemaOptions();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KafkaOptions>, RecordLimitsValidator>());
        builder.Services.TryAddSingleton<KafkaConnection>();
        builder.Services.TryAddSingleton<RoleReadiness>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    public static IHostApplicationBuilder AddKafkaRole<TProcessor>(this IHostApplicationBuilder builder,
        Func<IServiceProvider, KafkaRoleDefinition> define)
        where TProcessor : class, IBatchProcessor
    {
        builder.AddKafkaShell();
        builder.Services.AddSingleton<IHostedService>(sp =>
        {
            var definition = define(sp);
            return new KafkaBatchWorker(
                definition with { DeadLetterTopic = definition.DeadLetterTopic ?? sp.Topics().DeadLetter },
                sp.GetRequiredService<TProcessor>(),
                sp.GetRequiredService<KafkaConnection>(),
                sp.GetRequiredService<IOptions<DeliveryOptions>>().Value,
                sp.GetRequiredService<RoleReadiness>(),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<KafkaBatchWorker>>());
        });
        return builder;
    }

    public static TopicOptions Topics(this IServiceProvider services) => services.GetRequiredService<IOptions<TopicOptions>>().Value;
}
