using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EasyHard.Core.Configuration;

/// <summary>
/// DataAnnotations for an options section and every options object nested in it, with each message naming the full
/// configuration key: <c>The field Scorer:Proxy:LearningRate must be between 1E-07 and 10 (got 5).</c> instead of the stock
/// validator's <c>'LearningRate' with the error …ScorerOptions</c>, which names a class member the operator never typed.
/// </summary>
public static class KeyedValidation
{
    /// <summary>Replaces <c>ValidateDataAnnotations()</c>: same rules, messages keyed by <paramref name="section"/>.</summary>
    public static OptionsBuilder<T> ValidateKeys<T>(this OptionsBuilder<T> builder, string section)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<IValidateOptions<T>>(new Validator<T>(builder.Name, section));
        return builder;
    }

    /// <summary>One line per broken rule in <paramref name="options"/> and the options objects below it.</summary>
    /// <param name="options">The bound options.</param>
    /// <param name="key">Its configuration key, e.g. <c>Scorer</c> or <c>Sink:Database</c>.</param>
    public static IReadOnlyList<string> Failures(object options, string key)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Collect(options, key, failures, depth: 0);
        return failures;
    }

    private static void Collect(object options, string key, List<string> failures, int depth)
    {
        var results = new List<ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => Describe(options, key, r)));
        }

        // DataAnnotations stops at the top object; the nested options classes carry their own attributes.
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (depth < 4 && property.GetIndexParameters().Length == 0 && IsOptionsClass(property.PropertyType)
                && property.GetValue(options) is { } nested)
            {
                Collect(nested, $"{key}:{property.Name}", failures, depth + 1);
            }
        }
    }

    private static string Describe(object options, string key, ValidationResult result)
    {
        var message = result.ErrorMessage ?? "is not valid";
        var members = result.MemberNames.ToList();
        if (members.Count == 0)
        {
            return message.Contains(key, StringComparison.Ordinal) ? message : $"{key}: {message}";
        }

        var fullKeys = members.Select(m => $"{key}:{m}").ToList();
        if (fullKeys.Any(k => message.Contains(k, StringComparison.Ordinal)))
        {
            return message; // the options class wrote the key itself
        }

        foreach (var member in members)
        {
            message = System.Text.RegularExpressions.Regex.Replace(message, $@"\b{member}\b", $"{key}:{member}");
        }

        if (!fullKeys.Any(k => message.Contains(k, StringComparison.Ordinal)))
        {
            message = $"{string.Join(", ", fullKeys)}: {message}";
        }

        return members is [var only] && Value(options, only) is { } value ? $"{message.TrimEnd('.')} (got {value})." : message;
    }

    private static string? Value(object options, string member)
    {
        var value = options.GetType().GetProperty(member)?.GetValue(options);
        return value switch
        {
            null => null,
            string text => $"'{text}'",
            IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        };
    }

    // Nested options are EasyHard's own classes (BatchingOptions, DatabaseOptions, WeightingOptions, ...); librdkafka's
    // configs and collections have no DataAnnotations of their own.
    private static bool IsOptionsClass(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("EasyHard", StringComparison.Ordinal) == true;

    private sealed class Validator<T>(string? name, string section) : IValidateOptions<T>
        where T : class
    {
        public ValidateOptionsResult Validate(string? optionsName, T options)
        {
            if (name is not null && name != optionsName)
            {
                return ValidateOptionsResult.Skip;
            }

            var failures = Failures(options, section);
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
