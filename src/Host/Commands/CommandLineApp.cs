using System.CommandLine;
using EasyHard.Host.Composition;

namespace EasyHard.Host.Commands;

/// <summary>
/// How each EasyHard executable runs its command line (the product's <c>easyhard</c> and the benchmarks'
/// <c>easyhard-bench</c>): help with the settings each command reads, parse errors and configuration mistakes as one
/// line and a hint, a stack trace only with <c>--verbose</c>.
/// </summary>
public static class CommandLineApp
{
    public const string Description =
        "EasyHard: scores streaming training samples for difficulty, label noise and influence, and emits reweighted streams.";

    public static async Task<int> RunAsync(string description, IEnumerable<Command> commands, string[] args)
    {
        ArgumentNullException.ThrowIfNull(commands);
        NativeThreading.PreferPassiveOpenMpWaits();
        NativeHeap.KeepTensorBuffersInHeap();

        var verbose = new Option<bool>("--verbose") { Description = "On an error, also print its stack trace", Recursive = true };
        var root = new RootCommand(description);
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }

        root.Options.Add(verbose);

        var parse = root.Parse(args);
        if (CommandSettings.TryWriteHelp(parse, Console.Out))
        {
            return 0;
        }

        if (CommandErrors.ReportParseErrors(parse, Console.Error) is { } exitCode)
        {
            return exitCode;
        }

        try
        {
            // The default handler prints every exception with its stack trace; configuration mistakes deserve one line.
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return CommandErrors.Report(e, CommandOverrides.Path(parse.CommandResult.Command), parse.GetValue(verbose), Console.Error);
        }
    }
}
