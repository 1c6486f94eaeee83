using System.CommandLine;
using System.Globalization;
using EasyHard.Bench.Common;
using EasyHard.Bench.Scale;
using EasyHard.Evaluation.Datasets;
using EasyHard.Host.Commands;

namespace EasyHard.Bench.Commands;

/// <summary>
/// <c>easyhard bench scale</c>: the same noisy Fashion-MNIST stream through 1, 2, 3 scorer processes with a mid-stream
/// rebalance, with and without model averaging; prints noise AUROC, AP, weights, throughput and sync traffic, and
/// writes scale.json/.md.
/// </summary>
public static class ScaleBenchCommand
{
    public static Command Create()
    {
        var noise = BenchCommandOptions.Noise();
        var count = new Option<int>("--count") { Description = "Training samples (from the start of the train split)", DefaultValueFactory = _ => 60_000 };
        var seed = new Option<int>("--seed") { Description = "Seed of the noise and the scorers", DefaultValueFactory = _ => 0 };
        var scorers = new Option<string>("--scorers") { Description = "Scorer instance counts, one run each, e.g. 1,2,3", DefaultValueFactory = _ => "1,2,3" };
        var withoutSync = new Option<bool>("--without-sync") { Description = "Also run every count above 1 with Scorer:Sync:Enabled=false", DefaultValueFactory = _ => true };
        var rebalanceAt = new Option<double>("--rebalance-at") { Description = "Share of the stream scored when the last scorer leaves", DefaultValueFactory = _ => 0.5 };
        var away = new Option<double>("--away-seconds") { Description = "How long it stays away before it rejoins", DefaultValueFactory = _ => 5 };
        var simulate = new Option<bool>("--simulate") { Description = "Run the scorer fleet in this process without Kafka (deterministic; under load and with headroom) instead of as processes" };
        var dataDirectory = BenchCommandOptions.FashionMnistDirectory();
        var output = BenchCommandOptions.Output("scale.json and scale.md");
        var command = new Command("scale", "One noisy Fashion-MNIST stream through 1, 2, 3 scorer processes with a rebalance mid-stream, with and without model averaging (extra --Section:Key=value overrides apply to every process).")
        {
            noise, count, seed, scorers, withoutSync, rebalanceAt, away, simulate, dataDirectory, output,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            if (!NoiseSpec.TryParse(parse.GetValue(noise), out var spec, out var error))
            {
                Console.Error.WriteLine($"--noise: {error}");
                return 2;
            }

            if (ParseCounts(parse.GetValue(scorers)!) is not { } counts)
            {
                Console.Error.WriteLine($"--scorers: '{parse.GetValue(scorers)}' is not a comma-separated list of instance counts from 1 to 8, e.g. 1,2,3.");
                return 2;
            }

            var directory = parse.GetValue(dataDirectory)!.FullName;
            if (BenchCommandOptions.FashionMnistMissing(directory) is { } missing)
            {
                Console.Error.WriteLine(missing);
                return 2;
            }

            // The processes get the seed the same way, before the overrides (which win).
            if (!ScorerConfiguration.TryBind([$"--Scorer:Proxy:Seed={parse.GetValue(seed).ToString(CultureInfo.InvariantCulture)}", .. parse.UnmatchedTokens], offline: false, out var scorer))
            {
                return 2;
            }

            var at = parse.GetValue(rebalanceAt);
            if (parse.GetValue(count) < 1 || at is <= 0 or >= 1 || parse.GetValue(away) < 0)
            {
                Console.Error.WriteLine("--count must be at least 1, --rebalance-at between 0 and 1 (exclusive), --away-seconds not negative.");
                return 2;
            }

            var settings = new ScaleSettings(spec, parse.GetValue(count), parse.GetValue(seed), counts, parse.GetValue(withoutSync), at,
                TimeSpan.FromSeconds(parse.GetValue(away)), parse.GetValue(simulate), directory, scorer, [.. parse.UnmatchedTokens]);
            var result = await ScaleBench.RunAsync(settings, Console.Out, ct);
            BenchOutput.Write(parse.GetValue(output)!, "scale", result, ScaleReport.Markdown(result), Console.Out);
            return result.Problems.Count == 0 ? 0 : 1;
        });
        return command;
    }

    private static List<int>? ParseCounts(string text)
    {
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 8)
            {
                return null;
            }

            counts.Add(n);
        }

        return counts.Count == 0 ? null : counts;
    }
}
