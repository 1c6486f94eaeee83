using EasyHard.Evaluation.Datasets;

namespace EasyHard.IntegrationTests.Datasets;

public sealed class NoiseInjectorTests
{
    private const int Classes = 10;
    private const int Count = 20_000;

    private static int[] Balanced() => Enumerable.Range(0, Count).Select(i => i % Classes).ToArray();

    [Theory]
    [InlineData("symmetric:0.4")]
    [InlineData("symmetric:0.1")]
    [InlineData("pairflip:0.3")]
    [InlineData("pairflip:0.45")]
    public void Apply_RealizedNoiseRate_IsCloseToRequested(string text)
    {
        var spec = NoiseSpec.Parse(text);

        var noisy = new NoiseInjector(spec, Classes, seed: 11).Apply(Balanced());

        // Binomial standard error at n = 20000 is at most 0.0035; 0.015 is over four of them.
        Assert.InRange(noisy.RealizedRate, spec.Rate - 0.015, spec.Rate + 0.015);
    }

    [Fact]
    public void Apply_Symmetric_ChangesToUniformlyRandomDifferentClass()
    {
        var noisy = new NoiseInjector(NoiseSpec.Parse("symmetric:0.5"), Classes, seed: 3).Apply(Balanced());

        var transitions = new int[Classes, Classes];
        for (var i = 0; i < noisy.Count; i++)
        {
            Assert.Equal(noisy.IsNoisy[i], noisy.Given[i] != noisy.True[i]);
            transitions[noisy.True[i], noisy.Given[i]]++;
        }

        // Each class has 2000 samples, ~1000 flipped, ~111 to each of the 9 others.
        for (var from = 0; from < Classes; from++)
        {
            for (var to = 0; to < Classes; to++)
            {
                if (from != to)
                {
                    Assert.InRange(transitions[from, to], 60, 170);
                }
            }
        }
    }

    [Fact]
    public void Apply_PairFlip_MapsEveryNoisyLabelToNextClass()
    {
        var noisy = new NoiseInjector(NoiseSpec.Parse("pairflip:0.3"), Classes, seed: 5).Apply(Balanced());

        Assert.Contains(true, noisy.IsNoisy);
        for (var i = 0; i < noisy.Count; i++)
        {
            var expected = noisy.IsNoisy[i] ? (noisy.True[i] + 1) % Classes : noisy.True[i];
            Assert.Equal(expected, noisy.Given[i]);
        }

        Assert.Contains(noisy.Given.Select((label, i) => (label, i)), pair => noisy.True[pair.i] == Classes - 1 && pair.label == 0);
    }

    [Fact]
    public void Apply_None_LeavesLabelsUnchanged()
    {
        var labels = Balanced();

        var noisy = new NoiseInjector(NoiseSpec.None, Classes, seed: 1).Apply(labels);

        Assert.Equal(labels, noisy.Given);
        Assert.Equal(labels, noisy.True);
        Assert.DoesNotContain(true, noisy.IsNoisy);
    }

    [Fact]
    public void Apply_SameSeed_IsDeterministic_DifferentSeed_Differs()
    {
        var spec = NoiseSpec.Parse("symmetric:0.4");

        var a = new NoiseInjector(spec, Classes, seed: 42).Apply(Balanced());
        var b = new NoiseInjector(spec, Classes, seed: 42).Apply(Balanced());
        var c = new NoiseInjector(spec, Classes, seed: 43).Apply(Balanced());

        Assert.Equal(a.Given, b.Given);
        Assert.Equal(a.IsNoisy, b.IsNoisy);
        Assert.NotEqual(a.Given, c.Given);
    }

    [Fact]
    public void Apply_LabelOutsideClasses_Throws()
    {
        var injector = new NoiseInjector(NoiseSpec.Parse("symmetric:0.2"), Classes, seed: 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => injector.Apply([1, 2, Classes]));
    }
}
