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
            HostAdam.Step(host, gradient, state, offset: 0, step: step + 1, 0.01, 0.9, 0.999, 1e-8);
        }

        var torchState = (Adam.State)torchAdam.state_dict().State[0];
        Assert.True(host.allclose(reference, rtol: 1e-5, atol: 1e-6), $"max |Δθ| = {(host - reference).abs().max().item<float>()}");
        Assert.True(state.exp_avg.allclose(torchState.exp_avg, rtol: 1e-5, atol: 1e-7), $"max |Δm| = {(state.exp_avg - torchState.exp_avg).abs().max().item<float>()}, {torchState.exp_avg.abs().max().item<float>()}, {state.exp_avg.abs().max().item<float>()}");
        Assert.True(state.exp_avg_sq.allclose(torchState.exp_avg_sq, rtol: 1e-5, atol: 1e-9), $"max |Δv| = {(state.exp_avg_sq - torchState.exp_avg_sq).abs().max().item<float>()} of {torchState.exp_avg_sq.abs().max().item<float>()}");
    }

    [Fact]
    public void Step_OnARangeOfElements_IsThatRangesOwnStep_AndLeavesTheRest()
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        // Three heads of [4, 5]: head 1 steps alone, as a standalone parameter of its own would.
        var fused = new Parameter(randn([3, 4, 5], generator: generator));
        var alone = new Parameter(fused[1].clone());
        var before = fused.clone();
        using var fusedAdam = optim.Adam([fused], 0.01);
        using var aloneAdam = optim.Adam([alone], 0.01);
        var fusedState = (Adam.State)fusedAdam.state_dict().State[0];
        var aloneState = (Adam.State)aloneAdam.state_dict().State[0];

        for (int step = 1; step <= 3; step++)
        {
            var gradient = randn([1, 4, 5], generator: generator);
            HostAdam.Step(fused, gradient, fusedState, offset: 20, step, 0.01, 0.9, 0.999, 1e-8);
            HostAdam.Step(alone, gradient[0], aloneState, offset: 0, step, 0.01, 0.9, 0.999, 1e-8);
        }

        Assert.True(fused[1].equal(alone).all().item<bool>());
        Assert.True(fusedState.exp_avg_sq[1].equal(aloneState.exp_avg_sq).all().item<bool>());
        Assert.True(fused[0].equal(before[0]).all().item<bool>() && fused[2].equal(before[2]).all().item<bool>());
        Assert.Equal(0, fusedState.exp_avg[0].abs().sum().item<float>());
        Assert.Equal(0, fusedState.exp_avg[2].abs().sum().item<float>());
    }

    [Fact]
    public void Step_RejectsGradientsNotContiguousFloatOnTheCpu()
    {
        using var scope = NewDisposeScope();
        var parameter = new Parameter(zeros(4, 3));
        using var adam = optim.Adam([parameter], 0.01);
        var state = (Adam.State)adam.state_dict().State[0];

        Assert.Throws<ArgumentException>(() => HostAdam.Step(parameter, ones(3, 4).t(), state, 0, 1, 0.01, 0.9, 0.999, 1e-8));
        Assert.Throws<ArgumentException>(() => HostAdam.Step(parameter, ones(4, 3, dtype: ScalarType.Float64), state, 0, 1, 0.01, 0.9, 0.999, 1e-8));
        Assert.Throws<ArgumentOutOfRangeException>(() => HostAdam.Step(parameter, ones(4, 3), state, 0, 0, 0.01, 0.9, 0.999, 1e-8));
    }
}
