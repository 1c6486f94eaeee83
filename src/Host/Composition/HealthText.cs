using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EasyHard.Host.Composition;

/// <summary>
/// The health endpoints' body: the overall status on the first line (what probes and dashboards expect), then one
/// line per check with what it says, e.g. <c>roles: Healthy all roles ready (scorer delivering 256 records for 0.2 s)</c>.
/// </summary>
internal static class HealthText
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var text = new StringBuilder().Append(report.Status).Append('\n');
        foreach (var (name, entry) in report.Entries)
        {
            text.Append(name).Append(": ").Append(entry.Status).Append(' ').Append(entry.Description).Append('\n');
        }

        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text.ToString());
    }
}
