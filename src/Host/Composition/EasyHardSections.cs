using EasyHard.Core.Configuration;
using EasyHard.Ingest;
using EasyHard.Scorer;
using EasyHard.Sink;

namespace EasyHard.Host.Composition;

/// <summary>The configuration sections EasyHard owns, and the keys each accepts (derived from its options class).</summary>
public static class EasyHardSections
{
    /// <summary>Sections of other components that may be set on the command line too; their keys are not checked.</summary>
    public static IReadOnlyList<string> Foreign { get; } = ["Logging"];

    /// <summary>Section name → options class.</summary>
    public static IReadOnlyDictionary<string, Type> Types { get; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        [KafkaOptions.SectionName] = typeof(KafkaOptions),
        [TopicOptions.SectionName] = typeof(TopicOptions),
        [DeliveryOptions.SectionName] = typeof(DeliveryOptions),
        [SampleSchemaOptions.SectionName] = typeof(SampleSchemaOptions),
        [IngestOptions.SectionName] = typeof(IngestOptions),
        [ScorerOptions.SectionName] = typeof(ScorerOptions),
        [SinkOptions.SectionName] = typeof(SinkOptions),
        [HttpOptions.SectionName] = typeof(HttpOptions),
    };

    public static KnownKeys Keys { get; } = new(Types, ScorerOptions.RenamedKeys);

    /// <summary>The default of a leaf key as a fresh options object holds it (<c>Scorer:Proxy:LearningRate</c> → <c>0.001</c>), or null.</summary>
    public static string? Default(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var steps = key.Split(':');
        if (!Types.TryGetValue(steps[0], out var type))
        {
            return null;
        }

        object? value = Activator.CreateInstance(type);
        foreach (var step in steps.Skip(1))
        {
            value = value is System.Collections.IList list && int.TryParse(step, System.Globalization.CultureInfo.InvariantCulture, out var index)
                ? (index < list.Count ? list[index] : null)
                : value?.GetType().GetProperty(step)?.GetValue(value);
        }

        return value switch
        {
            null => null,
            string text => text,
            System.Collections.IEnumerable list => string.Join(',', list.Cast<object>()),
            Enum choice => Choices.Name(choice),
            IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
    }
}
