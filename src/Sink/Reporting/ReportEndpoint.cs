using System.Globalization;
using EasyHard.Core.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasyHard.Sink.Reporting;

/// <summary>
/// <c>GET /report</c> on the Sink's HTTP port: the page <c>easyhard report</c> writes, rendered from the Sink's own
/// database on each request (read-only). <c>?top=N</c> sizes the gallery (at most <see cref="MaxTop"/>).
/// </summary>
public static class ReportEndpoint
{
    public const string Path = "/report";

    public const int MaxTop = 1000;

    public static IEndpointConventionBuilder MapSampleReport(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGet(Path, async (HttpContext context) =>
        {
            var services = context.RequestServices;
            var top = int.TryParse(context.Request.Query["top"], NumberStyles.None, CultureInfo.InvariantCulture, out var asked)
                ? Math.Min(asked, MaxTop)
                : SampleReport.DefaultTop;
            try
            {
                var html = await SampleReport.RenderAsync(
                    services.GetRequiredService<IOptions<SinkOptions>>().Value.Database,
                    ReportSchema.From(services.GetRequiredService<IOptions<SampleSchemaOptions>>().Value),
                    top,
                    services.GetRequiredService<TimeProvider>(),
                    context.RequestAborted);
                return Results.Content(html, "text/html; charset=utf-8");
            }
            catch (ReportDatabaseException e)
            {
                // Typically the database is not reachable or not migrated yet; /health/ready says which.
                return Results.Text(e.Message, "text/plain; charset=utf-8", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
    }
}
