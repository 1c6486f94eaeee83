using System.Runtime.InteropServices;

namespace EasyHard.Host.Composition;

/// <summary>
/// glibc malloc settings for libtorch's tensor buffers, applied at start. A micro-batch's activations, gradients and
/// optimizer temporaries are 0.1–4 MiB each. By default glibc serves such blocks with a fresh mmap (its threshold
/// starts at 128 KiB and only follows the largest block freed so far) and trims freed heap tops back to the kernel,
/// so every batch page-faulted its buffers in again: about 2,000 minor faults per batch of 256 on the scorer core,
/// and on a virtual machine each fault is a trap to the hypervisor (perf: a fifth of the scorer's CPU in the kernel).
/// A fixed 32 MiB threshold (glibc's maximum) and a 128 MiB trim threshold keep freed buffers in the heap for the next
/// batch. The heap then holds at most the scorer's peak working set, a few tens of MiB. Settings the operator gave in
/// <c>GLIBC_TUNABLES</c> are left alone; on a libc without <c>mallopt</c> nothing changes.
/// </summary>
internal static partial class NativeHeap
{
    private const int TrimThresholdOption = -1;
    private const int MmapThresholdOption = -3;
    private const int MmapThresholdBytes = 32 * 1024 * 1024;
    private const int TrimThresholdBytes = 128 * 1024 * 1024;

    public static void KeepTensorBuffersInHeap()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is not null)
        {
            return;
        }

        try
        {
            _ = MallOpt(MmapThresholdOption, MmapThresholdBytes);
            _ = MallOpt(TrimThresholdOption, TrimThresholdBytes);
        }
        catch (EntryPointNotFoundException)
        {
            // Not glibc (e.g. musl): its allocator has no such knobs, and the defaults stay.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int option, int value);
}
