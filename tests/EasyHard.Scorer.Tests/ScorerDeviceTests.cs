using TorchSharp;

namespace EasyHard.Scorer.Tests;

public sealed class ScorerDeviceTests
{
    [Fact]
    public void Resolve_Cpu_IsTheCpu() => Assert.Equal(DeviceType.CPU, ScorerDevice.Resolve(ComputeDevice.Cpu).type);

    [Fact]
    public void Resolve_Cuda_IsCuda_AndThrowsWhereLibtorchSeesNone()
    {
        const ComputeDevice value = ComputeDevice.Cuda;
        if (torch.cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, ScorerDevice.Resolve(value).type);
        }
        else
        {
            var error = Assert.Throws<InvalidOperationException>(() => ScorerDevice.Resolve(value));
            Assert.Contains("Scorer:Device", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Resolve_Auto_FollowsWhatLibtorchSees() =>
        Assert.Equal(torch.cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, ScorerDevice.Resolve(ComputeDevice.Auto).type);
}
