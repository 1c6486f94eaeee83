using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Confluent.Kafka;
using TorchSharp;

namespace EasyHard.Bench.Common;

/// <summary>The machine a benchmark ran on, written next to every figure so that numbers are never read without it.</summary>
public sealed record MachineDescription(
    string Date, int Cores, string CpuModel, [property: JsonPropertyName("memory_gib")] double MemoryGiB, string Os,
    [property: JsonPropertyName("dotnet")] string DotNet, string TorchSharp,
    string TorchDevice, int TorchThreads, string Librdkafka, string OpenMpEnvironment)
{
    /// <summary>Reads /proc on Linux; other systems get what the runtime reports.</summary>
    public static MachineDescription Describe(TimeProvider? clock = null)
    {
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        return new MachineDescription(
            now.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            Environment.ProcessorCount,
            ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            MemoryKiB() / (1024.0 * 1024.0),
            OsName(),
            RuntimeInformation.FrameworkDescription,
            typeof(torch).Assembly.GetName().Version?.ToString(3) ?? "unknown",
            torch.cuda.is_available() ? "cuda" : "cpu",
            torch.get_num_threads(),
            Library.VersionString,
            OpenMp());
    }

    /// <summary>Describes this machine and logs it as the first line of a benchmark's output.</summary>
    public static MachineDescription DescribeTo(TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(log);
        var machine = Describe();
        log.WriteLine($"Machine: {machine.OneLine()}");
        return machine;
    }

    /// <summary>The heading every benchmark report starts with: title, date and this machine.</summary>
    public string Heading(string title) => string.Create(CultureInfo.InvariantCulture, $"## {title} — {Date}\n\nMachine: {OneLine()}.\n\n");

    public string OneLine() =>
        string.Create(CultureInfo.InvariantCulture,
            $"{Cores} cores ({CpuModel}), {MemoryGiB:F1} GiB RAM, {Os}, {DotNet}, TorchSharp {TorchSharp} on {TorchDevice} ({TorchThreads} threads, OpenMP {OpenMpEnvironment}), librdkafka {Librdkafka}");

    /// <summary>
    /// The OpenMP settings TorchSharp's CPU kernels run under, which change the figures a lot on a busy machine
    /// (libgomp's default is to spin while waiting for work).
    /// </summary>
    private static string OpenMp()
    {
        var set = new[] { "OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "MKL_NUM_THREADS" }
            .Select(name => (name, value: Environment.GetEnvironmentVariable(name)))
            .Where(v => !string.IsNullOrEmpty(v.value))
            .Select(v => $"{v.name}={v.value}")
            .ToList();
        return set.Count == 0 ? "defaults" : string.Join(' ', set);
    }

    private static string OsName()
    {
        var pretty = ProcField("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : null;
        return kernel is null ? pretty : $"{pretty}, Linux {kernel}";
    }

    private static double MemoryKiB()
    {
        var total = ProcField("/proc/meminfo", "MemTotal");
        return total is not null && double.TryParse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var kib)
            ? kib
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0;
    }

    private static string? ProcField(string path, string key, char separator = ':')
    {
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0 && line[..at].Trim() == key)
            {
                return line[(at + 1)..].Trim();
            }
        }

        return null;
    }
}
