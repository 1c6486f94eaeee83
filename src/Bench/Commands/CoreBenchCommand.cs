using System.CommandLine;
using EasyHard.Bench.Common;
using EasyHard.Bench.ScorerCore;
using EasyHard.Evaluation.Datasets;
using EasyHard.Host.Commands;

namespace EasyHard.Bench.Commands;

/// <summary>
/// <c>easyhard bench core</c>: GEMM peak and scorer core only (no Kafka); prints a markdown table and writes core.json/.md.
/// </summary>
public static class CoreBenchCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Samples scored in each of the 3 measured trials (the best counts)", DefaultValueFactory = _ => 50_000 };
        var dim = BenchCommandOptions.Dimension();
        var format = BenchCommandOptions.Format();
        var output = BenchCommandOptions.Output("core.json and core.md");
        var command = new Command("core", "The scorer core (ScoringEngine on in-memory batches) next to the GEMM peak, on the scorer's device (extra --Section:Key=value overrides apply, e.g. --Scorer:Device=cuda).")
        {
            count, dim, format, output,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse =>
        {
            if (!ScorerConfiguration.TryBind(parse.UnmatchedTokens, offline: false, out _))
            {
                return 2;
            }

            CoreBench.Result result;
            try
            {
                result = CoreBench.Run(parse.GetValue(count), parse.GetValue(dim), SampleEncoder.ParseFormat(parse.GetValue(format)!), [.. parse.UnmatchedTokens], Console.Out);
            }
            catch (InvalidOperationException e) when (e.Message.StartsWith("Scorer:", StringComparison.Ordinal))
            {
                // A configuration error (e.g. Scorer:Device=cuda without a GPU): its message names the key.
                Console.Error.WriteLine(e.Message);
                return 2;
            }

            BenchOutput.Write(parse.GetValue(output)!, "core", result, CoreBenchReport.Markdown(result), Console.Out);
            return 0;
        });
        return command;
    }
}
