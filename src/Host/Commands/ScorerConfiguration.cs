using EasyHard.Host.Composition;
using EasyHard.Scorer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EasyHard.Host.Commands;

/// <summary>
/// Scorer options for the commands that run the engine without the host, from their <c>--Scorer:Key=value</c>
/// overrides: a bad value or an unknown key is one line per problem on standard error, each naming its key, and exit code 2.
/// </summary>
internal static class ScorerConfiguration
{
    /// <summary>Binds and validates; false (after printing the failures) when a rule is broken.</summary>
    /// <param name="overrides">The command's unmatched tokens (<c>--Scorer:Key=value</c>).</param>
    /// <param name="offline">True where the command holds the stream back itself, so a lookahead is allowed.</param>
    /// <param name="options">The bound options when valid.</param>
    public static bool TryBind(IReadOnlyList<string> overrides, bool offline, out ScorerOptions options)
    {
        var problems = ConfigurationOverrides.Problems(overrides, []).ToList();
        var configuration = new ConfigurationBuilder().AddCommandLine([.. overrides]).Build();
        problems.AddRange(EasyHardSections.Keys.Problems(configuration));
        if (problems.Count > 0)
        {
            // A mistyped key would otherwise leave its option at the default without a word.
            problems.ForEach(Console.Error.WriteLine);
            options = new ScorerOptions();
            return false;
        }

        try
        {
            options = ScorerOptionsBinding.Bind(configuration, offline);
            return true;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                Console.Error.WriteLine(failure);
            }

            options = new ScorerOptions();
            return false;
        }
    }
}
