using System.CommandLine;
using EasyHard.Bench.Chaos;
using EasyHard.Bench.Common;
using EasyHard.Host.Commands;

namespace EasyHard.Bench.Commands;

/// <summary>
/// <c>easyhard bench chaos</c>: the pipeline (each role its own process) under a random, seeded schedule of faults,
/// then every input id accounted for; prints a markdown table, writes chaos.json/.md, exits 1 on any unaccounted id.
/// </summary>
public static class ChaosBenchCommand
{
    public static Command Create()
    {
        var minutes = new Option<double>("--minutes") { Description = "How long the load runs under faults", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the fault schedule and the data", DefaultValueFactory = _ => 1 };
        var faults = new Option<string>("--faults")
        {
            Description = "Fault kinds, comma-separated, or all: " + string.Join(",", FaultKinds.All.Select(FaultKinds.NameOf)),
            DefaultValueFactory = _ => "all",
        };
        faults.Validators.Add(result =>
        {
            try
            {
                FaultKinds.Parse(result.GetValueOrDefault<string>() ?? "");
            }
            catch (FormatException e)
            {
                result.AddError(e.Message);
            }
        });
        var rate = new Option<double>("--rate") { Description = "Samples per second", DefaultValueFactory = _ => 200 };
        var dim = new Option<int>("--dim") { Description = "Feature dimension", DefaultValueFactory = _ => 16 };
        var gap = new Option<double>("--mean-gap") { Description = "Mean seconds between faults", DefaultValueFactory = _ => 4 };
        var settle = new Option<double>("--settle") { Description = "Seconds without progress after which the drain stops and the ids are accounted", DefaultValueFactory = _ => 60 };
        var postgres = new Option<bool>("--postgres") { Description = "Sink on a private PostgreSQL (implied by postgres-restart); else SQLite" };
        var output = BenchCommandOptions.Output("chaos.json and chaos.md");
        var command = new Command("chaos", "The pipeline under a random schedule of faults; accounts for every input id (extra --Section:Key=value overrides apply to every role).")
        {
            minutes, seed, faults, rate, dim, gap, settle, postgres, output,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var settings = new ChaosSettings(TimeSpan.FromMinutes(parse.GetValue(minutes)), parse.GetValue(seed), FaultKinds.Parse(parse.GetValue(faults)!),
                parse.GetValue(rate), parse.GetValue(dim), parse.GetValue(gap), TimeSpan.FromSeconds(parse.GetValue(settle)), parse.GetValue(postgres),
                [.. parse.UnmatchedTokens]);
            var result = await ChaosBench.RunAsync(settings, Console.Out, ct);
            BenchOutput.Write(parse.GetValue(output)!, "chaos", result, ChaosReport.Markdown(result), Console.Out);
            return result.Passed ? 0 : 1;
        });
        return command;
    }
}
