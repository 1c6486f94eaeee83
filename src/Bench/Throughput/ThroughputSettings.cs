using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Throughput;

/// <summary>What <c>easyhard bench throughput</c> was asked to run.</summary>
/// <param name="ExtraConfig">EasyHard configuration overrides (<c>--Scorer:Proxy:EnsembleSize=5</c>) applied to every part.</param>
public sealed record ThroughputSettings(
    int Count, int Dimension, SampleFormat Format, bool SkipPython, string PythonInterpreter, string? PythonScript,
    IReadOnlyList<string> ExtraConfig, int Seed = ThroughputSettings.DefaultSeed)
{
    /// <summary>Seed of the benchmark's samples; <c>bench core</c> scores the same ones.</summary>
    public const int DefaultSeed = 7;

    public const int Classes = 10;

    /// <summary>Label noise of the samples: realistic training data, and the quarantine path gets exercised.</summary>
    public static NoiseSpec Noise { get; } = NoiseSpec.Parse("symmetric:0.2");
}
