using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

/// <summary>Tests that change libtorch's process-wide thread count run alone, never beside other tensor work.</summary>
[CollectionDefinition(nameof(TorchThreadsCollection), DisableParallelization = true)]
public sealed class TorchThreadsCollection;

[Collection(nameof(TorchThreadsCollection))]
public sealed class TorchThreadsTests
{
    [Fact]
    public void Threads_Set_LimitsLibtorchIntraOpThreadsOnTheCpu()
    {
        int previous = TorchSharp.torch.get_num_threads();
        var options = TestData.Options(TestData.TempCheckpoint());
        options.Device = "cpu";
        options.Threads = 1;
        try
        {
            using var engine = new ScoringEngine(options, 16, 4);

            Assert.Equal(1, TorchSharp.torch.get_num_threads());
        }
        finally
        {
            TorchSharp.torch.set_num_threads(previous);
        }
    }

    [Fact]
    public void Threads_Automatic_LeavesOneCoreToTheHostSide()
    {
        int previous = TorchSharp.torch.get_num_threads();
        var options = TestData.Options(TestData.TempCheckpoint());
        options.Device = "cpu";
        options.Threads = 0;
        try
        {
            using var engine = new ScoringEngine(options, 16, 4);

            Assert.Equal(Math.Max(1, Environment.ProcessorCount - 1), TorchSharp.torch.get_num_threads());
        }
        finally
        {
            TorchSharp.torch.set_num_threads(previous);
        }
    }
}
