using System.CommandLine;
using EasyHard.Evaluation.Datasets;

namespace EasyHard.Host.Commands;

/// <summary>
/// The options <c>produce</c> and <c>demo</c> share, declared once so the same setting has the same name, description
/// and default in both (they once disagreed: <c>--format</c> defaulted to json in one and protobuf in the other).
/// </summary>
internal static class GeneratorOptions
{
    /// <summary>Protobuf, like the benchmarks: the canonical encoding, and the one the demo's figures were measured with.</summary>
    public static Option<string> Format()
    {
        var format = new Option<string>("--format") { Description = "protobuf | json", DefaultValueFactory = _ => "protobuf" };
        format.AcceptOnlyFromAmong("protobuf", "json");
        return format;
    }

    /// <summary>Checked while parsing, so a bad value is a one-line usage error rather than an exception mid-command.</summary>
    public static Option<string> Noise()
    {
        var noise = new Option<string>("--noise") { Description = "symmetric:P | pairflip:P | none", DefaultValueFactory = _ => "symmetric:0.4" };
        noise.Validators.Add(result =>
        {
            if (!NoiseSpec.TryParse(result.GetValueOrDefault<string>() ?? string.Empty, out _, out var error))
            {
                result.AddError($"--noise: {error}");
            }
        });
        return noise;
    }

    public static Option<int> Seed() => new("--seed") { Description = "Seed of the dataset, the noise and the malformed records", DefaultValueFactory = _ => 0 };

    public static Option<double> Rate() => new("--rate") { Description = "Samples per second (0 = as fast as possible)", DefaultValueFactory = _ => 0 };
}
