using System.Diagnostics;
using System.Globalization;

namespace EasyHard.Bench.Common;

/// <summary>
/// This process's resident memory, managed heap and CPU time at one instant. RSS counts everything, including
/// TorchSharp's native tensors and librdkafka's buffers, which the GC heap does not see.
/// </summary>
public readonly record struct ProcessResources(long RssBytes, long GcHeapBytes, long GcCommittedBytes, TimeSpan CpuTime)
{
    private static readonly long PageSize = Environment.SystemPageSize;

    public static ProcessResources Now()
    {
        using var process = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();
        return new ProcessResources(ResidentBytes(), GC.GetTotalMemory(forceFullCollection: false), gc.TotalCommittedBytes, process.TotalProcessorTime);
    }

    /// <summary>Resident set size from /proc/self/statm (cheap enough to sample often); the runtime's figure elsewhere.</summary>
    public static long ResidentBytes()
    {
        try
        {
            var fields = File.ReadAllText("/proc/self/statm").Split(' ');
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * PageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return Environment.WorkingSet;
        }
    }
}
