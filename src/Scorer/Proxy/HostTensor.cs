using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// Float32 CPU tensors as spans over their own memory, so host loops read and write them without a copy. TorchSharp's
/// <c>data&lt;T&gt;()</c> accessor goes through an indexer per element; a span is one bounds check per loop.
/// </summary>
internal static partial class HostTensor
{
    /// <summary>Whether <see cref="Floats"/> may be taken: float32, contiguous, on the CPU.</summary>
    public static bool IsHostFloats(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return tensor.device_type == DeviceType.CPU && tensor.dtype == ScalarType.Float32 && tensor.is_contiguous();
    }

    /// <summary>The tensor's elements in place. Call only where <see cref="IsHostFloats"/> holds; valid while the tensor lives.</summary>
    public static unsafe Span<float> Floats(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!IsHostFloats(tensor))
        {
            throw new ArgumentException($"Expected a contiguous float32 CPU tensor, got {tensor.dtype} on {tensor.device}.", nameof(tensor));
        }

        return new Span<float>((float*)StorageData(tensor.Handle) + tensor.storage_offset(), checked((int)tensor.NumberOfElements));
    }

    /// <summary>
    /// The tensor's elements as host floats: in place when <see cref="Floats"/> may be taken of it, else over a
    /// contiguous float32 copy in CPU memory (a GPU tensor comes down here), which the current dispose scope owns.
    /// </summary>
    public static Span<float> Read(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return Floats(IsHostFloats(tensor) ? tensor : tensor.to(ScalarType.Float32, CPU).contiguous());
    }

    /// <summary>
    /// A new CPU float32 tensor holding a copy of <paramref name="values"/>. <c>torch.tensor(float[])</c> first clones
    /// the array on the managed heap; at a batch of features (800 KB) that clone lands in fresh large-object pages
    /// every time, and the page faults cost more than the copy. libtorch's allocator reuses its freed blocks.
    /// </summary>
    public static Tensor Copy(ReadOnlySpan<float> values, params ReadOnlySpan<long> shape)
    {
        var result = empty(shape, ScalarType.Float32);
        values.CopyTo(Floats(result));
        return result;
    }

    // TorchSharp keeps its own binding of this export internal; the BitsAndBytes port binds it the same way.
    [LibraryImport("LibTorchSharp", EntryPoint = "THSStorage_data_ptr")]
    private static partial IntPtr StorageData(IntPtr tensor);
}
