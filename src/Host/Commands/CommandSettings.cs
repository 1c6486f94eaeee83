using System.CommandLine;
using System.CommandLine.Help;
using EasyHard.Host.Composition;

namespace EasyHard.Host.Commands;

/// <summary>
/// The part of each command's help that System.CommandLine cannot write: the <c>--Section:Key=value</c> settings the
/// command reads, the common ones with their defaults (taken from the options classes, so help and behaviour cannot
/// disagree), and an example. It replaces the stock "Additional Arguments" section, which said nothing usable.
/// </summary>
internal static class CommandSettings
{
    private const string Environment = "The same keys work as environment variables (Section__Key or EASYHARD_Section__Key) and in appsettings.json; an unknown key stops the command.";

    private static readonly string[] ScorerKeys =
        ["Scorer:Device", "Scorer:Proxy:LearningRate", "Scorer:Proxy:EnsembleSize", "Scorer:Proxy:HiddenSizes:0", "Scorer:Proxy:Folds", "Scorer:Weighting:Policies", "Scorer:Proxy:Seed"];

    private static readonly Dictionary<string, (string[] Keys, string Example)> ByCommand = new(StringComparer.Ordinal)
    {
        ["run"] = (
            ["Kafka:BootstrapServers", "Sink:Database:Provider", "Sink:Database:ConnectionString", "Schema:Dimension", "Schema:Classes",
             "Delivery:Guarantee", "Http:Port", "Scorer:Device", "Scorer:Proxy:LearningRate", "Scorer:Weighting:Policies"],
            "easyhard run --role sink --Kafka:BootstrapServers=kafka:9092 --Sink:Database:Provider=postgres --Sink:Database:ConnectionString=\"Host=db;Username=easyhard\""),
        ["demo"] = ([.. ScorerKeys, "Scorer:Weighting:QuarantineThreshold", "Sink:TrainerStream:Mode", "Http:Port"], "easyhard demo --count 20000 --Scorer:Proxy:LearningRate=0.002 --Http:Port=9401"),
        ["replay"] = ([.. ScorerKeys, "Scorer:Proxy:ScoreDelaySamples"], "easyhard replay --input samples.jsonl --output scored.jsonl --Scorer:Proxy:EnsembleSize=5 --Scorer:Proxy:Folds=5"),
        ["report"] = (["Schema:ClassNames:0", "Schema:ClassNames:1"], "easyhard report --database sqlite:data/demo/easyhard.db --out report --Schema:ClassNames:0=T-shirt/top --Schema:ClassNames:1=Trouser"),
        ["train-reference"] = ([.. ScorerKeys], "easyhard train-reference --input clean.jsonl --output reference.pt --Scorer:Proxy:HiddenSizes:0=256"),
    };

    /// <summary>
    /// When <paramref name="parse"/> asks for help, writes it to <paramref name="output"/> with the settings section and
    /// returns true; otherwise does nothing.
    /// </summary>
    public static bool TryWriteHelp(ParseResult parse, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(output);
        if (parse.Action is not HelpAction)
        {
            return false;
        }

        using var stock = new StringWriter();
        parse.Invoke(new InvocationConfiguration { Output = stock });
        output.Write(Rewrite(stock.ToString(), parse.CommandResult.Command));
        return true;
    }

    /// <summary>
    /// The stock help with its "Additional Arguments" section replaced by <see cref="Describe"/>. The help layout's
    /// builder is not public in System.CommandLine 3, so the stock text is rewritten rather than rebuilt.
    /// </summary>
    public static string Rewrite(string stock, Command command)
    {
        ArgumentNullException.ThrowIfNull(stock);
        ArgumentNullException.ThrowIfNull(command);
        var text = stock.Replace("[[--] <additional arguments>...]]", "[--Section:Key=value ...]", StringComparison.Ordinal)
            // Usage reads as a person types it: the benchmarks' executable is reached as ./easyhard bench ...
            .Replace($"  {RootCommand.ExecutableName} ", "  easyhard ", StringComparison.Ordinal);
        var lines = text.Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith("Additional Arguments:", StringComparison.Ordinal));
        if (start >= 0)
        {
            var end = lines.FindIndex(start + 1, l => l.Length > 0 && !char.IsWhiteSpace(l[0]));
            lines.RemoveRange(start, (end < 0 ? lines.Count : end) - start);
        }

        var body = string.Join('\n', lines).TrimEnd();
        return Describe(command) is { } settings ? $"{body}\n\n{settings}\n" : body + "\n";
    }

    /// <summary>The settings part of <paramref name="command"/>'s help, or nothing for a command without settings.</summary>
    public static string? Describe(Command command)
    {
        if (command.TreatUnmatchedTokensAsErrors)
        {
            return null;
        }

        // The benchmarks and any later command that takes overrides: the scorer's keys, which all of them read.
        var (keys, example) = ByCommand.TryGetValue(command.Name, out var known)
            ? known
            : (ScorerKeys, $"{CommandOverrides.Path(command)} --Scorer:Proxy:LearningRate=0.002");
        var lines = new List<string> { "Settings (--Section:Key=value), the common ones shown with their defaults:" };
        lines.AddRange(keys.Select(k => $"  --{k}={Quoted(EasyHardSections.Default(k))}"));
        lines.Add("  Example: " + example);
        lines.Add("  " + Environment);
        return string.Join('\n', lines);
    }

    private static string Quoted(string? value) => value switch
    {
        null or "" => "<value>",
        _ when value.Contains(' ', StringComparison.Ordinal) || value.Contains(';', StringComparison.Ordinal) => $"\"{value}\"",
        _ => value,
    };
}
