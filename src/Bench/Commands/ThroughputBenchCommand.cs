using System.CommandLine;
using EasyHard.Bench.Common;
using EasyHard.Bench.Throughput;
using EasyHard.Evaluation.Datasets;
using EasyHard.Host.Commands;

namespace EasyHard.Bench.Commands;

/// <summary>
/// <c>easyhard bench throughput</c>: Kafka ceiling, scorer core, GEMM peak, EasyHard end to end (full and half load)
/// and the Python alternative on one embedded cluster; prints a markdown table and writes throughput.json/.md.
/// </summary>
public static class ThroughputBenchCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Samples per measured run", DefaultValueFactory = _ => 50_000 };
        var dim = BenchCommandOptions.Dimension();
        var format = BenchCommandOptions.Format();
        var output = BenchCommandOptions.Output("throughput.json and throughput.md");
        var python = new Option<string>("--python") { Description = "Python interpreter with torch and confluent_kafka", DefaultValueFactory = _ => PythonScorer.DefaultInterpreter };
        var script = new Option<FileInfo?>("--python-script") { Description = "Path of src/Bench/python/scorer.py (found from the working directory by default)" };
        var skipPython = new Option<bool>("--skip-python") { Description = "Leave out the Python comparison" };
        var command = new Command("throughput", "Throughput and latency of EasyHard against the Kafka ceiling, the scorer core and a Python baseline (extra --Section:Key=value overrides apply to every part).")
        {
            count, dim, format, output, python, script, skipPython,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            if (!ScorerConfiguration.TryBind(parse.UnmatchedTokens, offline: false, out _))
            {
                return 2;
            }

            var settings = new ThroughputSettings(parse.GetValue(count), parse.GetValue(dim), SampleEncoder.ParseFormat(parse.GetValue(format)!),
                parse.GetValue(skipPython), parse.GetValue(python)!, parse.GetValue(script)?.FullName, [.. parse.UnmatchedTokens]);
            var result = await ThroughputBench.RunAsync(settings, Console.Out, ct);
            BenchOutput.Write(parse.GetValue(output)!, "throughput", result, ThroughputReport.Markdown(result), Console.Out);
            return 0;
        });
        return command;
    }
}
