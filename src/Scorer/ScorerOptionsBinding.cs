using EasyHard.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer;

/// <summary>
/// Scorer options for the commands that run the engine without the host (<c>replay</c>, <c>bench</c>,
/// <c>train-reference</c>): bound and checked by the same rules as <c>run</c>, so a bad value fails before any work
/// with the key's name instead of deep inside the engine.
/// </summary>
public static class ScorerOptionsBinding
{
    private static readonly KnownKeys Keys =
        new(new Dictionary<string, Type> { [ScorerOptions.SectionName] = typeof(ScorerOptions) }, ScorerOptions.RenamedKeys);

    /// <summary>Binds section <c>Scorer</c> of <paramref name="configuration"/> and validates it.</summary>
    /// <param name="configuration">The command's configuration (its <c>--Scorer:Key=value</c> overrides).</param>
    /// <param name="offline">True where the command holds the stream back itself, so a lookahead is allowed.</param>
    /// <exception cref="OptionsValidationException">With one line per broken rule, each naming its key.</exception>
    public static ScorerOptions Bind(IConfiguration configuration, bool offline)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // Moved keys and choices outside their names first: the binder would skip the one and throw on the other.
        if (Keys.Problems(configuration) is { Count: > 0 } problems)
        {
            throw new OptionsValidationException(ScorerOptions.SectionName, typeof(ScorerOptions), problems);
        }

        var options = configuration.GetSection(ScorerOptions.SectionName).Get<ScorerOptions>() ?? new ScorerOptions();
        var failures = new List<string>(KeyedValidation.Failures(options, ScorerOptions.SectionName));

        var rules = ScorerOptionsValidator.Validate(options, offline);
        if (rules.Failed)
        {
            failures.AddRange(rules.Failures);
        }

        return failures.Count == 0 ? options : throw new OptionsValidationException(ScorerOptions.SectionName, typeof(ScorerOptions), failures);
    }
}
