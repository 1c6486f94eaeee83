using EasyHard.Core.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace EasyHard.Host.Composition;

/// <summary>
/// The composition root: one web host per process with the chosen roles as hosted services and
/// <c>/metrics</c>, <c>/health/live</c>, <c>/health/ready</c> on one port.
/// </summary>
public static class EasyHardApp
{
    /// <param name="configArgs">Configuration overrides in command-line form, e.g. <c>--Kafka:BootstrapServers=host:9092</c>.</param>
    /// <param name="configure">Extra composition (tests replace services, add in-memory configuration).</param>
    public static WebApplication Build(Roles roles, string[] configArgs, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = configArgs, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables("EASYHARD_");
        builder.Services.AddOptions<HttpOptions>().BindConfiguration(HttpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
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

        var app = builder.Build();
        app.MapMetrics("/metrics");
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live"), ResponseWriter = HealthText.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthText.WriteAsync });
        return app;
    }
}
