using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Proxy.Optimizers;

/// <summary>
/// SGD with momentum, step for step TorchSharp's <see cref="TorchSharp.Modules.SGD"/>, holding the step's scalars until
/// libtorch has read them, for the reason given on <see cref="Adam"/> (the class keeps the name: a saved optimizer
/// names its type).
/// </summary>
public sealed class SGD : TorchSharp.Modules.SGD
{
    public SGD(IEnumerable<Parameter> parameters, double learningRate, double momentum)
        : base(parameters, learningRate, momentum)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        if (options.nesterov == true || options.maximize == true || options.weight_decay is not (null or 0) || options.dampening is not (null or 0))
        {
            throw new NotSupportedException("This SGD steps plain momentum: no Nesterov, maximisation, weight decay or dampening.");
        }

        double momentum = options.momentum!.Value;
        using Scalar decay = momentum.ToScalar(), one = 1.0.ToScalar(), rate = (-options.LearningRate!.Value).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }

            var state = (State)_state[parameter.Handle];
            if (momentum != 0)
            {
                if (state.momentum_buffer is null)
                {
                    state.momentum_buffer = grad.clone().detach().DetachFromDisposeScope();
                }
                else
                {
                    state.momentum_buffer.mul_(decay).add_(grad, alpha: one);
                }

                grad = state.momentum_buffer;
            }

            parameter.add_(grad, alpha: rate);
        }
    }, closure);
}
