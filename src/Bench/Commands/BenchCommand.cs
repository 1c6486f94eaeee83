using System.CommandLine;
using EasyHard.Host.Commands;

namespace EasyHard.Bench.Commands;

/// <summary><c>easyhard bench ...</c>: rerunnable benchmarks; speed, memory and quality figures live here, never in timed tests.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks: each prints a markdown table and writes JSON to --out.");
        command.Subcommands.Add(QualityBenchCommand.Create());
        command.Subcommands.Add(ThroughputBenchCommand.Create());
        command.Subcommands.Add(SoakBenchCommand.Create());
        command.Subcommands.Add(CoreBenchCommand.Create());
        command.Subcommands.Add(ChaosBenchCommand.Create());
        command.Subcommands.Add(TrainerBenchCommand.Create());
        command.Subcommands.Add(ScaleBenchCommand.Create());
        return command;
    }
}
