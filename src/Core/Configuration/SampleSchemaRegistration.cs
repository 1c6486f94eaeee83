using Microsoft.Extensions.DependencyInjection;

namespace EasyHard.Core.Configuration;

/// <summary>
/// Binds <see cref="SampleSchemaOptions"/> once per container, however many roles of the process ask for it: the
/// configuration binder appends to arrays, so a second binding would list every <c>Schema:ClassNames</c> twice, and
/// a second validator would report each mistake twice.
/// </summary>
public static class SampleSchemaRegistration
{
    public static IServiceCollection AddSampleSchemaOptions(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(Marker)))
        {
            return services;
        }

        services.AddSingleton<Marker>();
        services.AddOptions<SampleSchemaOptions>()
            .BindConfiguration(SampleSchemaOptions.SectionName)
            .ValidateKeys(SampleSchemaOptions.SectionName)
            .ValidateOnStart();
        return services;
    }

    private sealed class Marker;
}
