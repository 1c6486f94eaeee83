using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace EasyHard.Core.Configuration;

/// <summary>
/// The configuration keys EasyHard reads, derived from its options classes by reflection (public properties with a
/// setter, nested options classes, arrays), so the list cannot drift from what is bound. A dictionary or a
/// librdkafka config (<c>Kafka:Common</c>, <c>Kafka:Consumer</c>, <c>Kafka:Producer</c>) is free-form below its key:
/// librdkafka checks its own names. The binder ignores a key it has no property for, so without this check a typo
/// such as <c>Scorer:LearningRat</c> would run silently on the default.
/// </summary>
public sealed class KnownKeys
{
    private readonly Dictionary<string, Node> _sections;
    private readonly Dictionary<string, string> _renamed;

    /// <param name="sections">Section name → options type, e.g. <c>Scorer</c> → <c>ScorerOptions</c>.</param>
    /// <param name="renamed">Keys of an earlier layout → the key that replaced each (a section's key renames every key below it).</param>
    public KnownKeys(IReadOnlyDictionary<string, Type> sections, IReadOnlyDictionary<string, string>? renamed = null)
    {
        ArgumentNullException.ThrowIfNull(sections);
        _sections = sections.ToDictionary(kv => kv.Key, kv => Node.For(kv.Value, depth: 0), StringComparer.OrdinalIgnoreCase);
        _renamed = new Dictionary<string, string>(renamed ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The section names, as spelled by the options classes.</summary>
    public IEnumerable<string> Sections => _sections.Keys;

    public bool IsSection(string name) => _sections.ContainsKey(name);

    /// <summary>
    /// One line per key set under an EasyHard section that no option reads (with the closest known key, or the key
    /// that replaced it), and per choice set to a value that is none of its names. Keys outside those sections (the
    /// environment holds many) are not EasyHard's to judge.
    /// </summary>
    public IReadOnlyList<string> Problems(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var reported = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, root) in _sections)
        {
            foreach (var (key, value) in configuration.GetSection(name).AsEnumerable())
            {
                if (value is null || Problem(name, root, key, value) is not { } problem || !reported.Add(problem.Key))
                {
                    continue;
                }

                problems.Add($"{problem.Key}{Source(configuration, key)}{problem.Text}");
            }
        }

        problems.AddRange(MisnamedSections(configuration));
        return [.. problems.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Sections that are not EasyHard's but are one or two letters from one of them (<c>Scorrer__LearningRate</c>), or
    /// that put one of them under the application's name (<c>EasyHard__Scorer__LearningRate</c>, where the prefix
    /// takes one underscore: <c>EASYHARD_Scorer__LearningRate</c>). Other sections belong to others and are left alone.
    /// </summary>
    private IEnumerable<string> MisnamedSections(IConfiguration configuration)
    {
        foreach (var section in configuration.GetChildren().Where(s => s.Value is null && !_sections.ContainsKey(s.Key)))
        {
            var first = section.AsEnumerable().FirstOrDefault(kv => kv.Value is not null).Key;
            if (first is null)
            {
                continue;
            }

            if (string.Equals(section.Key, "EasyHard", StringComparison.OrdinalIgnoreCase)
                && section.GetChildren().FirstOrDefault(c => _sections.ContainsKey(c.Key)) is { } nested)
            {
                yield return $"{first}{Source(configuration, first)} is not a setting (did you mean {first[(section.Key.Length + 1)..]}? "
                    + $"As an environment variable: EASYHARD_{nested.Key}__..., one underscore after the prefix)";
            }
            else if (Suggestions.Closest(section.Key, _sections.Keys) is { } closest)
            {
                yield return $"{first}{Source(configuration, first)} is not a setting (did you mean {closest}{first[section.Key.Length..]}?)";
            }
        }
    }

    /// <summary>Every leaf key (free-form ones end in <c>:*</c>), for help text and tests.</summary>
    public IEnumerable<string> All() => _sections.SelectMany(kv => kv.Value.Leaves(kv.Key));

    /// <summary>What is wrong with <paramref name="key"/> = <paramref name="value"/>: the key as it should be named and the rest of the line.</summary>
    private (string Key, string Text)? Problem(string section, Node root, string key, string value)
    {
        var steps = key.Split(':');
        for (int i = steps.Length; i >= 2; i--)
        {
            if (_renamed.TryGetValue(string.Join(':', steps[..i]), out var renamed))
            {
                var now = string.Join(':', [renamed, .. steps[i..]]);
                return (key, $" has moved: it is {now} now");
            }
        }

        return Lookup(section, root, steps, value);
    }

    private static (string Key, string Text)? Lookup(string section, Node root, string[] steps, string value)
    {
        var node = root;
        var path = section;
        for (int i = 1; i < steps.Length; i++)
        {
            var step = steps[i];
            if (node.FreeForm)
            {
                return null;
            }

            if (node.Element is { } element)
            {
                if (!int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    return ($"{path}:{step}", $" is not a setting ({path} is a list: {path}:0, {path}:1, ...)");
                }

                (node, path) = (element, $"{path}:{step}");
                continue;
            }

            if (node.Children is not { } children)
            {
                return ($"{path}:{step}", $" is not a setting ({path} is a value, not a section)");
            }

            if (!children.TryGetValue(step, out var child))
            {
                // By the step alone: against whole keys the shared prefix would let Scorer:Foldz pass for Scorer:Load.
                var hint = Suggestions.Closest(step, children.Keys) is { } sibling ? $" (did you mean {path}:{sibling}?)" : string.Empty;
                if (hint.Length == 0 && i == steps.Length - 1)
                {
                    // A key at the wrong level (Scorer:Foldz for Scorer:Proxy:Folds): the section's leaf with the closest name.
                    var leaves = root.Leaves(section).Where(l => !char.IsDigit(LastStep(l)[0]) && LastStep(l) != "*").ToList();
                    hint = Suggestions.Closest(step, leaves.Select(LastStep)) is { } name ? $" (did you mean {leaves.First(l => LastStep(l) == name)}?)" : string.Empty;
                }

                return ($"{path}:{step}", " is not a setting" + hint);
            }

            (node, path) = (child, $"{path}:{children.Keys.First(k => string.Equals(k, step, StringComparison.OrdinalIgnoreCase))}");
        }

        if (node.Children is not null)
        {
            return (path, $" is a section, not a value: set its keys ({path}:...)");
        }

        // The binder would also take a choice's number ("1") or fail with its type's name; a person gets the names.
        if (node.Choice is { } choice && !Enum.GetNames(choice).Any(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase)))
        {
            return (path, $" is '{value}': it must be one of {Choices.Names(choice)}");
        }

        return null;
    }

    private static string LastStep(string key) => key[(key.LastIndexOf(':') + 1)..];

    /// <summary>Where a key came from, so the line says what to edit: " (environment variable …)" and the like.</summary>
    private static string Source(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
        {
            return string.Empty;
        }

        var provider = root.Providers.LastOrDefault(p => p.TryGet(key, out _));
        return provider?.GetType().Name switch
        {
            "CommandLineConfigurationProvider" => string.Empty, // the person just typed it
            "EnvironmentVariablesConfigurationProvider" => $" (environment variable {EnvironmentPrefix(provider)}{key.Replace(":", "__", StringComparison.Ordinal)})",
            "JsonConfigurationProvider" => $" (in {((FileConfigurationProvider)provider).Source.Path})",
            _ => string.Empty,
        };
    }

    // The provider keeps its prefix private; its ToString is "EnvironmentVariablesConfigurationProvider Prefix: 'X'".
    private static string EnvironmentPrefix(IConfigurationProvider provider)
    {
        var text = provider.ToString() ?? string.Empty;
        var start = text.IndexOf("Prefix: '", StringComparison.Ordinal);
        return start < 0 ? string.Empty : text[(start + 9)..].TrimEnd('\'');
    }

    private sealed class Node
    {
        private const int MaxDepth = 8;

        public Dictionary<string, Node>? Children { get; private init; }

        public Node? Element { get; private init; }

        public bool FreeForm { get; private init; }

        /// <summary>The enum a leaf holds: one of its names is the only value it takes.</summary>
        public Type? Choice { get; private init; }

        public static Node For(Type type, int depth)
        {
            var t = Nullable.GetUnderlyingType(type) ?? type;
            if (IsLeaf(t) || depth > MaxDepth)
            {
                return new Node { Choice = t.IsEnum ? t : null };
            }

            if (typeof(IEnumerable<KeyValuePair<string, string>>).IsAssignableFrom(t) || IsDictionary(t))
            {
                return new Node { FreeForm = true };
            }

            if (t.IsArray)
            {
                return new Node { Element = For(t.GetElementType()!, depth + 1) };
            }

            if (t.IsGenericType && t.GetGenericArguments() is [var item] && typeof(System.Collections.IEnumerable).IsAssignableFrom(t))
            {
                return new Node { Element = For(item, depth + 1) };
            }

            var children = new Dictionary<string, Node>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                // The binder sets writable properties and fills read-only ones that hold an object.
                var bindable = property.GetIndexParameters().Length == 0 && property.GetMethod is { IsPublic: true }
                    && (property.SetMethod is { IsPublic: true } || !IsLeaf(property.PropertyType));
                if (bindable)
                {
                    children[property.Name] = For(property.PropertyType, depth + 1);
                }
            }

            return new Node { Children = children };
        }

        public IEnumerable<string> Leaves(string path)
        {
            if (FreeForm)
            {
                return [$"{path}:*"];
            }

            if (Element is { } element)
            {
                return element.Leaves($"{path}:0");
            }

            return Children is null ? [path] : Children.SelectMany(kv => kv.Value.Leaves($"{path}:{kv.Key}"));
        }

        private static bool IsLeaf(Type type)
        {
            var t = Nullable.GetUnderlyingType(type) ?? type;
            return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri);
        }

        private static bool IsDictionary(Type type) =>
            type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(Dictionary<,>) || d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>));
    }
}
