using System.Runtime.InteropServices;

namespace EasyHard.Host.Composition;

/// <summary>
/// OpenMP settings for libtorch, applied before TorchSharp loads its native libraries. By default libgomp's idle
/// threads spin (OMP_WAIT_POLICY=ACTIVE semantics): with micro-batches arriving from Kafka, the spinning threads
/// took most of the process's CPU and starved the matrix multiplies (profiled with perf; see the throughput
/// benchmark in docs/performance.md). PASSIVE lets them sleep. A value set by the operator is left alone.
/// </summary>
internal static partial class NativeThreading
{
    public static void PreferPassiveOpenMpWaits()
    {
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
        {
            // Environment.SetEnvironmentVariable changes only .NET's copy; native libraries read libc's environment.
            _ = SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
            Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE");
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
