using System.Text.Json;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>The panels and queries of <c>deploy/grafana/dashboards/easyhard.json</c>.</summary>
public static class GrafanaDashboard
{
    public const string Path = "deploy/grafana/dashboards/easyhard.json";

    /// <summary>Values Grafana substitutes before sending a query; Prometheus itself knows none of them.</summary>
    private static readonly (string Variable, string Value)[] Substitutions =
    [
        ("${__rate_interval}", "1m"), ("$__rate_interval", "1m"),
        ("${__interval}", "1m"), ("$__interval", "1m"),
        ("${__range}", "5m"), ("$__range", "5m"),
    ];

    public sealed record Query(string Panel, string PanelType, string RefId, string Expr, string? Format)
    {
        /// <summary>The expression as Grafana would send it to Prometheus.</summary>
        public string Resolved => Substitutions.Aggregate(Expr, (e, s) => e.Replace(s.Variable, s.Value, StringComparison.Ordinal));

        public override string ToString() => $"[{Panel} / {RefId}] {Resolved}";
    }

    public static JsonElement Load()
    {
        using var document = JsonDocument.Parse(RepositoryFiles.ReadText(Path));
        return document.RootElement.Clone();
    }

    /// <summary>Every panel that is not a row, including panels nested in collapsed rows.</summary>
    public static IEnumerable<JsonElement> Panels(JsonElement dashboard)
    {
        foreach (var panel in dashboard.GetProperty("panels").EnumerateArray())
        {
            if (panel.GetProperty("type").GetString() == "row")
            {
                if (panel.TryGetProperty("panels", out var nested))
                {
                    foreach (var inner in nested.EnumerateArray())
                    {
                        yield return inner;
                    }
                }

                continue;
            }

            yield return panel;
        }
    }

    public static List<Query> Queries(JsonElement dashboard) =>
        [.. Panels(dashboard).SelectMany(panel => panel.GetProperty("targets").EnumerateArray().Select(target => new Query(
            panel.GetProperty("title").GetString()!,
            panel.GetProperty("type").GetString()!,
            target.GetProperty("refId").GetString()!,
            target.GetProperty("expr").GetString()!,
            target.TryGetProperty("format", out var format) ? format.GetString() : null)))];
}
