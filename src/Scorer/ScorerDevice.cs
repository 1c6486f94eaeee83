using static TorchSharp.torch;

namespace EasyHard.Scorer;

/// <summary>
/// The torch device a <c>Scorer:Device</c> value names: auto is CUDA when libtorch sees a GPU, else the CPU; cuda
/// without a GPU fails, naming the key.
/// </summary>
public static class ScorerDevice
{
    /// <summary>Why <c>Scorer:Device=cuda</c> is refused where libtorch sees no GPU (at start and wherever a device is resolved).</summary>
    public const string CudaUnavailable = "Scorer:Device is cuda but no CUDA device is available (use auto or cpu).";

    public static Device Resolve(ComputeDevice device) => device switch
    {
        ComputeDevice.Cpu => CPU,
        ComputeDevice.Cuda => cuda.is_available() ? CUDA : throw new InvalidOperationException(CudaUnavailable),
        _ => cuda.is_available() ? CUDA : CPU,
    };
}
