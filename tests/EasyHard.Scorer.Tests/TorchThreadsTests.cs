using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

/// <summary>Tests that change libtorch's process-wide thread count run alone, never beside other tensor work.</summary>
[CollectionDefinition(nameof(TorchThreadsCollection), DisableParallelization = true)]
public sealed class TorchThreadsCollection;

[Collection(nameof(TorchThreadsCollection))]
public sealed class TorchThreadsTests
{
    [Fact]
    public void Threads_Set_LimitsLibtorchIntraOpThreadsOnTheCpu() =>
        Assert.Equal(1, LibtorchThreadsWithEngine(configured: 1));

    [Fact]
    public void Threads_Automatic_ShareTheCoresButOneAmongTheHeadThreads() =>
        Assert.Equal(Math.Max(1, (Environment.ProcessorCount - 1) / Math.Min(3, Environment.ProcessorCount)), LibtorchThreadsWithEngine(configured: 0));

    /// <summary>libtorch's thread count once a CPU engine with <c>Scorer:Threads:Torch</c> = <paramref name="configured"/> has started; restored after.</summary>
    private static int LibtorchThreadsWithEngine(int configured)
    {
        int previous = TorchSharp.torch.get_num_threads();
        var options = TestData.Options(TestData.TempCheckpoint());
        options.Device = ComputeDevice.Cpu;
        options.Threads.Torch = configured;
        try
        {
            using var engine = new ScoringEngine(options, 16, 4);
            return TorchSharp.torch.get_num_threads();
        }
        finally
        {
            TorchSharp.torch.set_num_threads(previous);
        }
    }
}
