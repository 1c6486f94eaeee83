using EasyHard.Scorer.Proxy;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Tests;

public sealed class LearningRateScheduleTests
{
    [Theory]
    [InlineData(1, 0.003)]
    [InlineData(501, 0.002)]
    [InlineData(1000, 0.001)]
    [InlineData(5000, 0.001)]
    public void At_FallsLinearlyFromTheStartFactorToTheBaseRate(long step, double expected)
    {
        Assert.Equal(expected, new LearningRateSchedule(0.001, 3, 1000).At(step), 12);
    }

    [Fact]
    public void At_WithoutDecaySteps_IsTheBaseRate()
    {
        Assert.Equal(0.001, new LearningRateSchedule(0.001, 3, 0).At(1), 12);
        Assert.Equal(0.001, new LearningRateSchedule(0.001).At(1), 12);
    }

    [Fact]
    public void Ensemble_FirstStep_TakesTheScheduledRate()
    {
        using var scope = NewDisposeScope();
        using var scheduled = new ProxyEnsemble(8, 3, [16], 2, "adam", 1e-2, 5, CPU, new LearningRateSchedule(1e-2, 3, 10));
        using var constant = new ProxyEnsemble(8, 3, [16], 2, "adam", 3e-2, 5, CPU);
        using var baseRate = new ProxyEnsemble(8, 3, [16], 2, "adam", 1e-2, 5, CPU);
        var x = randn(20, 8, generator: new Generator(3));
        var labels = x[.., 1].gt(0).to_type(ScalarType.Int64).data<long>().ToArray();
        var weights = Enumerable.Repeat(1f, 40).ToArray();
        foreach (var ensemble in new[] { scheduled, constant, baseRate })
        {
            ensemble.TrainOn(ensemble.Pass(x), labels, weights);
        }

        Assert.True(scheduled.Weights[0].allclose(constant.Weights[0], rtol: 1e-6, atol: 1e-7), "first step at 3 × the base rate");
        Assert.False(scheduled.Weights[0].allclose(baseRate.Weights[0], rtol: 1e-6, atol: 1e-7));
    }
}
