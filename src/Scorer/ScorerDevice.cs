using static TorchSharp.torch;

namespace EasyHard.Scorer;

/// <summary>
/// The torch device a <c>Scorer:Device</c> value names: auto is CUDA when libtorch sees a GPU, else the CPU; cuda
/// without a GPU fails, naming the key.
/// </summary>
public static class ScorerDevice
{
    public static Device Resolve(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.ToLowerInvariant() switch
        {
            "cpu" => CPU,
            "cuda" => cuda.is_available() ? CUDA : throw new InvalidOperationException("Scorer:Device is cuda but libtorch sees no CUDA device (use auto or cpu)."),
            _ => cuda.is_available() ? CUDA : CPU,
        };
    }
}
