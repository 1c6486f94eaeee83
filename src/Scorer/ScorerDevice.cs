using static TorchSharp.torch;

namespace EasyHard.Scorer;

/// <summary>The torch device a <c>Scorer:Device</c> value names: auto is CUDA when libtorch sees a GPU, else the CPU.</summary>
public static class ScorerDevice
{
    public static Device Resolve(string device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return device.ToLowerInvariant() switch
        {
            "cpu" => CPU,
            "cuda" => CUDA,
            _ => cuda.is_available() ? CUDA : CPU,
        };
    }
}
