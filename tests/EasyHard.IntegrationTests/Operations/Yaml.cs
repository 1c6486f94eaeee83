using System.Globalization;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>Navigation over YamlDotNet's untyped graph (dictionaries keyed by scalars, lists, strings).</summary>
public static class Yaml
{
    public static Dictionary<object, object> Map(object? node, string what) =>
        node as Dictionary<object, object> ?? throw new Xunit.Sdk.XunitException($"{what}: expected a mapping, got {Describe(node)}");

    public static List<object> List(object? node, string what) =>
        node as List<object> ?? throw new Xunit.Sdk.XunitException($"{what}: expected a sequence, got {Describe(node)}");

    public static string Str(object? node, string what) =>
        node is string s ? s : throw new Xunit.Sdk.XunitException($"{what}: expected a scalar, got {Describe(node)}");

    /// <summary>The node at a path of mapping keys and sequence indexes, or null when any step is missing.</summary>
    public static object? At(object? node, params string[] path)
    {
        foreach (var step in path)
        {
            node = node switch
            {
                Dictionary<object, object> map => map.TryGetValue(step, out var next) ? next : null,
                List<object> list when int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < list.Count => list[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    public static object Require(object? node, params string[] path) =>
        At(node, path) ?? throw new Xunit.Sdk.XunitException($"missing {string.Join('.', path)}");

    public static string RequireStr(object? node, params string[] path) => Str(Require(node, path), string.Join('.', path));

    /// <summary>A mapping of scalars (environment, ConfigMap data) as strings.</summary>
    public static Dictionary<string, string> StringMap(object? node, string what) =>
        node is null ? [] : Map(node, what).ToDictionary(kv => Str(kv.Key, what), kv => kv.Value as string ?? "", StringComparer.Ordinal);

    /// <summary>Resolves an RFC 6901 JSON pointer (as used by kustomize JSON patches).</summary>
    public static object? AtPointer(object? node, string pointer)
    {
        var steps = pointer.TrimStart('/').Split('/').Select(s => s.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
        return At(node, [.. steps]);
    }

    private static string Describe(object? node) => node switch
    {
        null => "nothing",
        string s => $"scalar '{s}'",
        _ => node.GetType().Name,
    };
}
