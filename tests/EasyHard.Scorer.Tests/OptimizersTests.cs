using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using HeldScalarAdam = EasyHard.Scorer.Proxy.Optimizers.Adam;

namespace EasyHard.Scorer.Tests;

public sealed class OptimizersTests
{
    [Fact]
    public void Adam_MatchesTorchSharpsAdam_ParameterForParameter_AndStateForState()
    {
        var (ours, theirs, inputs) = Twins(seed: 3, rows: 5, columns: 4, samples: 16);
        using var held = new HeldScalarAdam([ours], 0.01);
        using var reference = optim.Adam([theirs], 0.01);

        TrainAlike(ours, held, theirs, reference, (parameter, step) => inputs.matmul(parameter).tanh().mul(1f + (step * 0.1f)).pow(2).mean());

        var ourState = (TorchSharp.Modules.Adam.State)held.state_dict().State[0];
        var theirState = (TorchSharp.Modules.Adam.State)reference.state_dict().State[0];
        Assert.Equal(Steps, ourState.step);
        Assert.True(ourState.ApproximatelyEquals(theirState));
    }

    [Fact]
    public void Sgd_MatchesTorchSharpsSgd_WithMomentum()
    {
        var (ours, theirs, inputs) = Twins(seed: 5, rows: 4, columns: 3, samples: 8);
        using var held = new EasyHard.Scorer.Proxy.Optimizers.SGD([ours], 0.05, momentum: 0.9);
        using var reference = optim.SGD([theirs], 0.05, momentum: 0.9);

        TrainAlike(ours, held, theirs, reference, (parameter, _) => inputs.matmul(parameter).sin().sum());
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

    private const int Steps = 25;

    /// <summary>Two parameters with the same random values, and random inputs for them.</summary>
    private static (Parameter Ours, Parameter Theirs, Tensor Inputs) Twins(ulong seed, long rows, long columns, long samples)
    {
        using var generator = new Generator(seed);
        using var initial = randn([rows, columns], generator: generator);
        return (nn.Parameter(initial.clone()), nn.Parameter(initial.clone()), randn([samples, rows], generator: generator));
    }

    /// <summary><see cref="Steps"/> steps of each optimizer on the same loss; the parameters must end bit for bit equal.</summary>
    private static void TrainAlike(Parameter ours, OptimizerHelper held, Parameter theirs, OptimizerHelper reference, Func<Parameter, int, Tensor> loss)
    {
        for (int step = 0; step < Steps; step++)
        {
            foreach (var (parameter, optimizer) in new (Parameter, OptimizerHelper)[] { (ours, held), (theirs, reference) })
            {
                optimizer.zero_grad();
                using var value = loss(parameter, step);
                value.backward();
                optimizer.step();
            }
        }

        Assert.True(ours.allclose(theirs, rtol: 0, atol: 0), $"the parameters after {Steps} steps differ by {(ours - theirs).abs().max().item<float>()}");
    }

    private static void Train(Parameter parameter, OptimizerHelper optimizer)
    {
        optimizer.zero_grad();
        using var loss = parameter.sin().sum();
        loss.backward();
        optimizer.step();
    }
}
