using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using EasyHard.Core.Configuration;
using EasyHard.Host.Composition;
using EasyHard.Ingest;
using EasyHard.Scorer;
using EasyHard.Sink;
using Microsoft.Extensions.Configuration;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>
/// What the app actually reads: every options class with a <c>SectionName</c> in the Core, Host and role
/// assemblies. Resolves environment-variable keys (<c>Section__Key__Sub</c>) to a property path, the way
/// Microsoft.Extensions.Configuration binds them (case-insensitive, <c>__</c> = <c>:</c>).
/// </summary>
public static class ConfigurationKeys
{
    public static IReadOnlyDictionary<string, Type> Sections { get; } = DiscoverSections();

    private static Dictionary<string, Type> DiscoverSections()
    {
        Assembly[] assemblies =
        [
            typeof(KafkaOptions).Assembly, typeof(HttpOptions).Assembly, typeof(IngestOptions).Assembly,
            typeof(ScorerOptions).Assembly, typeof(SinkOptions).Assembly,
        ];
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in assemblies.Distinct().SelectMany(a => a.GetExportedTypes()))
        {
            var field = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static);
            if (field is { IsLiteral: true } && field.GetRawConstantValue() is string name && type.Name.EndsWith("Options", StringComparison.Ordinal))
            {
                sections[name] = type;
            }
        }

        return sections;
    }

    /// <summary>Null when the key maps to a bindable leaf property and the value converts to its type; else why not.</summary>
    public static string? Problem(string key, string value)
    {
        var steps = key.Split("__");
        if (steps.Length < 2)
        {
            return $"'{key}' is not of the form Section__Key";
        }

        if (!Sections.TryGetValue(steps[0], out var type))
        {
            return $"'{key}': no options class has SectionName '{steps[0]}' (known: {string.Join(", ", Sections.Keys.Order())})";
        }

        var path = steps[0];
        for (int i = 1; i < steps.Length; i++)
        {
            var step = steps[i];
            path += ":" + step;
            var element = ElementType(type);
            if (element is not null)
            {
                if (!int.TryParse(step, NumberStyles.None, CultureInfo.InvariantCulture, out _) && !IsDictionary(type))
                {
                    return $"'{key}': {path} indexes a collection with a non-number";
                }

                type = element;
                continue;
            }

            var property = type.GetProperty(step, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null || property.GetIndexParameters().Length > 0)
            {
                return $"'{key}': {type.FullName} has no property '{step}'";
            }

            if (!property.CanWrite && IsLeaf(property.PropertyType))
            {
                return $"'{key}': {type.FullName}.{property.Name} is read-only";
            }

            type = property.PropertyType;
        }

        if (!IsLeaf(type))
        {
            return $"'{key}' ends at {type.Name}, a section, not a value";
        }

        var leaf = Nullable.GetUnderlyingType(type) ?? type;
        if (value.Contains("${", StringComparison.Ordinal))
        {
            // docker compose interpolation; only strings can hold it.
            return leaf == typeof(string) ? null : $"'{key}': interpolated value for a {leaf.Name}";
        }

        try
        {
            TypeDescriptor.GetConverter(leaf).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
        {
            return $"'{key}': '{value}' is not a valid {leaf.Name}: {e.Message}";
        }
    }

    /// <summary>
    /// Binds the given environment to every options class and runs its DataAnnotations, so a value the app
    /// would refuse at start (e.g. <c>Scorer__Device=gpu</c>) fails here. Returns the failures.
    /// </summary>
    public static List<string> ValidationFailures(IReadOnlyDictionary<string, string> environment)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(kv => new KeyValuePair<string, string?>(kv.Key.Replace("__", ":", StringComparison.Ordinal), kv.Value)))
            .Build();
        var failures = new List<string>();
        foreach (var (name, type) in Sections)
        {
            var options = configuration.GetSection(name).Get(type) ?? Activator.CreateInstance(type)!;
            var results = new List<ValidationResult>();
            if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
            {
                failures.AddRange(results.Select(r => $"{name}: {string.Join(",", r.MemberNames)}: {r.ErrorMessage}"));
            }
        }

        return failures;
    }

    private static bool IsLeaf(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(decimal) || t == typeof(TimeSpan) || t == typeof(Uri);
    }

    private static bool IsDictionary(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(Dictionary<,>) || d == typeof(IDictionary<,>));

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (IsDictionary(type))
        {
            return type.GetGenericArguments()[1];
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) && type.GetGenericArguments().Length == 1)
        {
            return type.GetGenericArguments()[0];
        }

        return null;
    }
}
