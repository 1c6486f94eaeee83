using EasyHard.Core.Configuration;
using EasyHard.Core.Hosting;
using EasyHard.Sink.Reporting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Prometheus;

namespace EasyHard.Host.Composition;

/// <summary>
/// The composition root: one web host per process with the chosen roles as hosted services and
/// <c>/metrics</c>, <c>/health/live</c>, <c>/health/ready</c> on one port, and the Sink's <c>/report</c> where it runs.
/// </summary>
public static class EasyHardApp
{
    /// <param name="configArgs">Configuration overrides in command-line form, e.g. <c>--Kafka:BootstrapServers=host:9092</c>.</param>
    /// <param name="configure">Extra composition (tests replace services, add in-memory configuration).</param>
    /// <exception cref="ConfigurationErrorException">A malformed override, a key no option reads, or a value that
    /// breaks a rule: one line per problem, each naming the key, before anything starts.</exception>
    public static WebApplication Build(Roles roles, string[] configArgs, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configArgs);
        if (ConfigurationOverrides.Problems(configArgs, []) is { Count: > 0 } malformed)
        {
            throw new ConfigurationErrorException(malformed);
        }

        try
        {
            return Compose(roles, configArgs, configure);
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's own message names the key and the value; its stack trace helps nobody.
            throw new ConfigurationErrorException(e.Message, e);
        }
    }

    private static WebApplication Compose(Roles roles, string[] configArgs, Action<WebApplicationBuilder>? configure)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = configArgs, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables("EASYHARD_");
        builder.Services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.SectionName).ValidateKeys(HttpOptions.SectionName).ValidateOnStart();
        var http = builder.Configuration.GetSection(HttpOptions.SectionName).Get<HttpOptions>() ?? new HttpOptions();
        builder.WebHost.UseUrls($"http://{http.BindAddress}:{http.Port}");
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });

        builder.AddRoles(roles);
        builder.Services.AddHealthChecks()
            .AddCheck<RoleReadiness>("roles", tags: ["ready"])
            .AddCheck<RoleLiveness>("stuck", tags: ["live"]);
        configure?.Invoke(builder);
        if (EasyHardSections.Keys.Problems(builder.Configuration) is { Count: > 0 } unknown)
        {
            throw new ConfigurationErrorException(unknown);
        }

        var app = builder.Build();
        try
        {
            ValidateOnce(app.Services);
        }
        catch
        {
            ((IDisposable)app).Dispose(); // nothing has started; the services built so far are let go
            throw;
        }

        app.MapMetrics("/metrics");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live"), ResponseWriter = HealthText.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthText.WriteAsync });
        if (roles.HasFlag(Roles.Sink))
        {
            app.MapSampleReport();
        }

        return app;
    }

    /// <summary>
    /// Runs the options' start-up validation now, so a bad value is reported as configuration, before the host starts
    /// (and logs the failure with a stack trace) instead of from inside <c>StartAsync</c>.
    /// </summary>
    private static void ValidateOnce(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException e)
        {
            throw new ConfigurationErrorException([.. e.Failures], e);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            throw new ConfigurationErrorException([.. e.InnerExceptions.SelectMany(i => ((OptionsValidationException)i).Failures)], e);
        }
    }
}
