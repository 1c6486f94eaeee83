using System.CommandLine;
using EasyHard.Host.Composition;

namespace EasyHard.Host.Commands;

/// <summary>A command's <c>--Section:Key=value</c> overrides: its unmatched tokens, refused when one is a typo.</summary>
internal static class CommandOverrides
{
    /// <exception cref="Core.Configuration.ConfigurationErrorException">A token is neither one of the command's options
    /// nor a well-formed override; the message suggests the closest option.</exception>
    public static string[] From(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return ConfigurationOverrides.Require(parse.UnmatchedTokens, OptionNames(parse.CommandResult.Command));
    }

    /// <summary>"easyhard bench quality" for the bench's quality command.</summary>
    public static string Path(Command command)
    {
        var path = new List<string>();
        for (Symbol? symbol = command; symbol is not null; symbol = symbol.Parents.FirstOrDefault())
        {
            path.Insert(0, symbol is RootCommand ? "easyhard" : symbol.Name);
        }

        return string.Join(' ', path);
    }

    /// <summary>The option names and aliases valid on <paramref name="command"/>, inherited ones included.</summary>
    public static IEnumerable<string> OptionNames(Command command)
    {
        var own = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name));
        var inherited = command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)).SelectMany(o => o.Aliases.Prepend(o.Name));
        return own.Concat(inherited).Distinct(StringComparer.Ordinal);
    }
}
