using EasyHard.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace EasyHard.Host.Composition;

/// <summary>
/// Checks the tokens a command did not recognise as its own options: each must be a configuration override,
/// <c>--Section:Key=value</c> (or <c>--Section:Key value</c>) of a known section. Anything else is a typo, and a typo
/// must stop the command rather than be handed to the configuration binder, which ignores keys it does not know
/// (<c>run --rol sink</c> used to run all roles).
/// </summary>
public static class ConfigurationOverrides
{
    /// <summary>One line per token that is neither an option nor a well-formed override, with a suggestion.</summary>
    /// <param name="tokens">The unmatched tokens, in order.</param>
    /// <param name="optionNames">The command's own option names and aliases, for "did you mean".</param>
    public static IReadOnlyList<string> Problems(IReadOnlyList<string> tokens, IEnumerable<string> optionNames)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var options = optionNames.ToList();
        var sections = EasyHardSections.Keys.Sections.Concat(EasyHardSections.Foreign).ToList();
        var problems = new List<string>();
        for (int i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var hasValue = token.Contains('=', StringComparison.Ordinal);
            var name = hasValue ? token[..token.IndexOf('=', StringComparison.Ordinal)] : token;
            var nextIsValue = !hasValue && i + 1 < tokens.Count && !tokens[i + 1].StartsWith('-');
            var nextIsSettingValue = !hasValue && i + 1 < tokens.Count && !tokens[i + 1].StartsWith("--", StringComparison.Ordinal); // "--Scorer:Proxy:Seed -1"
            if (!token.StartsWith('-'))
            {
                problems.Add($"unexpected argument '{token}'{SettingHint(token)}");
                continue;
            }

            if (!name.Contains(':', StringComparison.Ordinal))
            {
                problems.Add($"unknown option {name}{OptionHint(name, options)}");
                i += nextIsValue ? 1 : 0; // its value would only repeat the complaint
                continue;
            }

            var key = name.TrimStart('-');
            var section = key[..key.IndexOf(':', StringComparison.Ordinal)];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                problems.Add($"{name}: settings take two dashes, --{key}=value");
            }
            else if (!sections.Contains(section, StringComparer.OrdinalIgnoreCase))
            {
                var closest = Suggestions.Closest(section, sections);
                problems.Add($"--{key}: there is no section '{section}'" + (closest is null
                    ? $" (sections: {string.Join(", ", sections)})"
                    : $" (did you mean --{closest}{key[section.Length..]}?)"));
            }
            else if (!hasValue && !nextIsSettingValue)
            {
                problems.Add($"--{key} needs a value: --{key}=value");
            }

            i += nextIsSettingValue ? 1 : 0;
        }

        return problems;
    }

    /// <summary>
    /// Throws <see cref="ConfigurationErrorException"/> listing <see cref="Problems"/> and the unknown keys among the
    /// overrides (checked here too, so a command that prepares work first says so before it starts); else the tokens.
    /// </summary>
    public static string[] Require(IReadOnlyList<string> tokens, IEnumerable<string> optionNames)
    {
        var problems = Problems(tokens, optionNames);
        if (problems.Count == 0)
        {
            problems = EasyHardSections.Keys.Problems(new ConfigurationBuilder().AddCommandLine([.. tokens]).Build());
        }

        return problems.Count == 0 ? [.. tokens] : throw new ConfigurationErrorException(problems);
    }

    private static string OptionHint(string name, List<string> options)
    {
        if (Suggestions.Closest(name, options) is { } option)
        {
            return $" (did you mean {option}?)";
        }

        return SettingHint(name.TrimStart('-'));
    }

    // "--LearningRate=0.1" without its section: point at the key that ends that way.
    private static string SettingHint(string token)
    {
        var leaf = token.Split('=')[0].TrimStart('-');
        var match = EasyHardSections.Keys.All().FirstOrDefault(k => k.EndsWith(":" + leaf, StringComparison.OrdinalIgnoreCase));
        return match is null ? string.Empty : $" (did you mean --{match}=...?)";
    }
}
