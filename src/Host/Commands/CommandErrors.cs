using System.CommandLine;
using EasyHard.Core.Configuration;
using EasyHard.Host.Composition;
using Microsoft.Extensions.Options;

namespace EasyHard.Host.Commands;

/// <summary>
/// What a person sees when a command cannot start: a configuration or command-line mistake is one line per problem
/// and a hint, not a stack trace (that is for <c>--verbose</c>); anything else is a defect and keeps its trace.
/// </summary>
internal static class CommandErrors
{
    /// <summary>The problems in <paramref name="error"/> when it is a configuration mistake, else null.</summary>
    public static IReadOnlyList<string>? Problems(Exception error) => error switch
    {
        ConfigurationErrorException e => e.Problems,
        OptionsValidationException e => [.. e.Failures],
        Sink.Reporting.ReportDatabaseException e => [e.Message],
        MissingPrerequisiteException e => [e.Message],
        AggregateException e when e.InnerExceptions.All(i => Problems(i) is not null) => [.. e.InnerExceptions.SelectMany(i => Problems(i)!)],
        _ => null,
    };

    /// <summary>
    /// Writes the command line's parse errors one line each (the stock handler follows them with the whole help) and
    /// returns the exit code, or null when the command line parsed.
    /// </summary>
    public static int? ReportParseErrors(ParseResult parse, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(output);
        if (parse.Errors.Count == 0)
        {
            return null;
        }

        var command = CommandOverrides.Path(parse.CommandResult.Command);
        var unmatched = parse.CommandResult.Command.TreatUnmatchedTokensAsErrors ? parse.UnmatchedTokens : [];
        foreach (var problem in ConfigurationOverrides.Problems(unmatched, CommandOverrides.OptionNames(parse.CommandResult.Command)))
        {
            output.WriteLine($"{command}: {problem}");
        }

        foreach (var error in parse.Errors.Where(e => !unmatched.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal))))
        {
            output.WriteLine($"{command}: {string.Join(' ', error.Message.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))}");
        }

        output.WriteLine($"See '{command} --help' for options and settings.");
        return 2;
    }

    /// <summary>Writes <paramref name="error"/> for <paramref name="command"/> and returns the exit code.</summary>
    public static int Report(Exception error, string command, bool verbose, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(output);
        if (Problems(error) is not { } problems)
        {
            output.WriteLine($"{command} failed: {error}");
            return 1;
        }

        foreach (var problem in problems)
        {
            output.WriteLine($"{command}: {problem}");
        }

        output.WriteLine(verbose ? error.ToString() : $"See '{command} --help' for options and settings; --verbose shows the stack trace.");
        return 2;
    }
}
