using System.CommandLine;
using EasyHard.Bench.Common;
using EasyHard.Bench.Soak;
using EasyHard.Evaluation.Datasets;
using EasyHard.Host.Commands;

namespace EasyHard.Bench.Commands;

/// <summary>
/// <c>easyhard bench soak</c>: all roles under a steady load for a set time; throughput, latency, RSS, GC heap and CPU
/// over time, and whether RSS stays flat after warm-up; prints a markdown table and writes soak.json/.md.
/// </summary>
public static class SoakBenchCommand
{
    public static Command Create()
    {
        var minutes = new Option<double>("--minutes") { Description = "How long to run", DefaultValueFactory = _ => 10 };
        var rate = new Option<double>("--rate") { Description = "Samples per second", DefaultValueFactory = _ => 500 };
        var dim = BenchCommandOptions.Dimension();
        var format = BenchCommandOptions.Format();
        var interval = new Option<double>("--interval") { Description = "Seconds between samples of throughput and memory", DefaultValueFactory = _ => 5 };
        var output = BenchCommandOptions.Output("soak.json and soak.md");
        var command = new Command("soak", "Steady load on all roles for a while: throughput, latency and memory over time (extra --Section:Key=value overrides apply).")
        {
            minutes, rate, dim, format, interval, output,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var settings = new SoakSettings(TimeSpan.FromMinutes(parse.GetValue(minutes)), parse.GetValue(rate), parse.GetValue(dim),
                SampleEncoder.ParseFormat(parse.GetValue(format)!), TimeSpan.FromSeconds(parse.GetValue(interval)), [.. parse.UnmatchedTokens]);
            var result = await SoakBench.RunAsync(settings, Console.Out, ct);
            BenchOutput.Write(parse.GetValue(output)!, "soak", result, SoakReport.Markdown(result), Console.Out);
            return result.Lost == 0 ? 0 : 1;
        });
        return command;
    }
}
