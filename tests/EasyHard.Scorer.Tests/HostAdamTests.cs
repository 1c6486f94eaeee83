using EasyHard.Scorer.Proxy;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Tests;

public sealed class HostAdamTests
{
    [Fact]
    public void Step_FollowsLibtorchAdam_OverSeveralSteps()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(11);
        // 1,003 elements: whole vectors and a remainder.
        var start = randn([17, 59], generator: generator);
        var reference = new Parameter(start.clone());
        var host = new Parameter(start.clone());
        using var torchAdam = optim.Adam([reference], 0.01);
        using var hostAdam = optim.Adam([host], 0.01);
        var state = (Adam.State)hostAdam.state_dict().State[0];

        for (int step = 0; step < 6; step++)
        {
            var gradient = randn([17, 59], generator: generator) * (step + 1);
            reference.grad = gradient.clone();
            torchAdam.step();
            Assert.True(HostAdam.Applies(host, gradient, state));
            HostAdam.Step(host, gradient, state, 0.01, 0.9, 0.999, 1e-8);
        }

        Assert.Equal(6, state.step);
        var torchState = (Adam.State)torchAdam.state_dict().State[0];
        Assert.True(host.allclose(reference, rtol: 1e-5, atol: 1e-6), $"max |Δθ| = {(host - reference).abs().max().item<float>()}");
        Assert.True(state.exp_avg.allclose(torchState.exp_avg, rtol: 1e-5, atol: 1e-7), $"max |Δm| = {(state.exp_avg - torchState.exp_avg).abs().max().item<float>()}, {torchState.exp_avg.abs().max().item<float>()}, {state.exp_avg.abs().max().item<float>()}");
        Assert.True(state.exp_avg_sq.allclose(torchState.exp_avg_sq, rtol: 1e-5, atol: 1e-9), $"max |Δv| = {(state.exp_avg_sq - torchState.exp_avg_sq).abs().max().item<float>()} of {torchState.exp_avg_sq.abs().max().item<float>()}");
    }

    [Fact]
    public void Applies_OnlyToContiguousFloatCpuTensorsOfOneSize()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(zeros(4, 3));
        using var adam = optim.Adam([parameter], 0.01);
        var state = (Adam.State)adam.state_dict().State[0];

        Assert.True(HostAdam.Applies(parameter, ones(4, 3), state));
        Assert.False(HostAdam.Applies(parameter, ones(3, 4).t(), state));
        Assert.False(HostAdam.Applies(parameter, ones(4, 3, dtype: ScalarType.Float64), state));
        Assert.False(HostAdam.Applies(parameter, ones(5, 3), state));
    }
}
