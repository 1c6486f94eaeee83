using System.Text.Json.Serialization;
using EasyHard.Bench.Common;

namespace EasyHard.Bench.Throughput;

/// <summary>
/// <c>src/Bench/python/scorer.py</c> (confluent-kafka + PyTorch), the Python alternative the throughput benchmark runs
/// against the same cluster (as a <see cref="PythonScript"/>); its report is its own count, time, CPU and memory.
/// </summary>
public static class PythonScorer
{
    public const string Packages = "python3-torch python3-confluent-kafka";

    /// <summary>What the script measured itself (its clock runs from its first batch to its last commit).</summary>
    public sealed record Report(
        long Count, double Seconds, double SamplesPerSecond, double CpuSeconds, long MaxRssBytes, int Threads,
        string Python, string Torch, [property: JsonPropertyName("confluent_kafka")] string ConfluentKafka);

    public static string DefaultInterpreter => PythonScript.DefaultInterpreter;

    /// <summary>src/Bench/python/scorer.py found from the working directory or the executable's folder upwards; null when absent.</summary>
    public static string? FindScript() => PythonScript.Find(Path.Combine("src", "Bench", "python", "scorer.py"));

    /// <summary>Fails with the packages to install when the interpreter cannot import torch and confluent_kafka.</summary>
    public static Task CheckPrerequisitesAsync(string interpreter, CancellationToken cancellationToken) =>
        PythonScript.CheckPrerequisitesAsync(interpreter, "torch, confluent_kafka, numpy", Packages, "The Python baseline", " (or pass --skip-python)", cancellationToken);

    public static Task<PythonScript> StartAsync(string interpreter, string script, IEnumerable<string> arguments, TimeSpan readyWithin,
        CancellationToken cancellationToken) =>
        PythonScript.StartAsync("The Python scorer", interpreter, script, arguments, readyWithin, cancellationToken);
}
