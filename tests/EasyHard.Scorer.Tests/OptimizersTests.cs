using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using HeldScalarAdam = EasyHard.Scorer.Proxy.Optimizers.Adam;

namespace EasyHard.Scorer.Tests;

public sealed class OptimizersTests
{
    [Fact]
    public void Step_MatchesTorchSharpsAdam_ParameterForParameter_AndStateForState()
    {
        using var generator = new Generator(3);
        using var initial = randn([5, 4], generator: generator);
        using var inputs = randn([16, 5], generator: generator);
        var ours = nn.Parameter(initial.clone());
        var theirs = nn.Parameter(initial.clone());
        using var held = new HeldScalarAdam([ours], 0.01);
        using var reference = optim.Adam([theirs], 0.01);

        for (int step = 0; step < 25; step++)
        {
            using var scale = tensor(1f + (step * 0.1f));
            foreach (var (parameter, optimizer) in new (Parameter, OptimizerHelper)[] { (ours, held), (theirs, reference) })
            {
                optimizer.zero_grad();
                using var loss = inputs.matmul(parameter).tanh().mul(scale).pow(2).mean();
                loss.backward();
                optimizer.step();
            }
        }

        Assert.True(ours.allclose(theirs, rtol: 0, atol: 0), $"the parameters after 25 steps differ by {(ours - theirs).abs().max().item<float>()} of {theirs.abs().max().item<float>()}");
        var ourState = (TorchSharp.Modules.Adam.State)held.state_dict().State[0];
        var theirState = (TorchSharp.Modules.Adam.State)reference.state_dict().State[0];
        Assert.Equal(25, ourState.step);
        Assert.True(ourState.ApproximatelyEquals(theirState));
    }

    [Fact]
    public void Sgd_MatchesTorchSharpsSgd_WithMomentum()
    {
        using var generator = new Generator(5);
        using var initial = randn([4, 3], generator: generator);
        using var inputs = randn([8, 4], generator: generator);
        var ours = nn.Parameter(initial.clone());
        var theirs = nn.Parameter(initial.clone());
        using var held = new EasyHard.Scorer.Proxy.Optimizers.SGD([ours], 0.05, momentum: 0.9);
        using var reference = optim.SGD([theirs], 0.05, momentum: 0.9);

        for (int step = 0; step < 25; step++)
        {
            foreach (var (parameter, optimizer) in new (Parameter, OptimizerHelper)[] { (ours, held), (theirs, reference) })
            {
                optimizer.zero_grad();
                using var loss = inputs.matmul(parameter).sin().sum();
                loss.backward();
                optimizer.step();
            }
        }

        Assert.True(ours.allclose(theirs, rtol: 0, atol: 0), $"the parameters after 25 steps differ by {(ours - theirs).abs().max().item<float>()}");
    }

    [Fact]
    public void Checkpoint_OfTorchSharpsAdam_LoadsAndStepsOnAlike()
    {
        using var initial = ones(3, 2);
        var ours = nn.Parameter(initial.clone());
        var theirs = nn.Parameter(initial.clone());
        using var reference = optim.Adam([theirs], 0.05);
        using var held = new HeldScalarAdam([ours], 0.05);
        Train(theirs, reference);
        using (no_grad())
        {
            ours.copy_(theirs);
        }

        var path = Path.Combine(Path.GetTempPath(), $"easyhard-adam-{Guid.NewGuid():N}.bin");
        try
        {
            reference.save_state_dict(path);
            held.load_state_dict(path);
        }
        finally
        {
            File.Delete(path);
        }

        Train(ours, held);
        Train(theirs, reference);

        Assert.True(ours.allclose(theirs, rtol: 0, atol: 0), "after the checkpoint the steps differ");
        Assert.Equal(2, ((TorchSharp.Modules.Adam.State)held.state_dict().State[0]).step);
    }

    private static void Train(Parameter parameter, OptimizerHelper optimizer)
    {
        optimizer.zero_grad();
        using var loss = parameter.sin().sum();
        loss.backward();
        optimizer.step();
    }
}
