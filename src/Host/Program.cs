using System.CommandLine;
using EasyHard.Host.Commands;
using EasyHard.Host.Commands.Bench;
using EasyHard.Host.Composition;

NativeThreading.PreferPassiveOpenMpWaits();
NativeHeap.KeepTensorBuffersInHeap();

var verbose = new Option<bool>("--verbose") { Description = "On an error, also print its stack trace", Recursive = true };
var root = new RootCommand("EasyHard: scores streaming training samples for difficulty, label noise and influence, and emits reweighted streams.")
{
    RunCommand.Create(),
    ProduceCommand.Create(),
    ReplayCommand.Create(),
    KafkaCommand.Create(),
    DemoCommand.Create(),
    ReportCommand.Create(),
    BenchCommand.Create(),
    TrainReferenceCommand.Create(),
};
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
