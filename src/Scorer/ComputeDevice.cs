namespace EasyHard.Scorer;

/// <summary>Where the proxy runs (<c>Scorer:Device</c>).</summary>
public enum ComputeDevice
{
    /// <summary>CUDA when libtorch sees a GPU, else the CPU.</summary>
    Auto,

    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>CUDA; refused at start where libtorch sees no GPU.</summary>
    Cuda,
}
