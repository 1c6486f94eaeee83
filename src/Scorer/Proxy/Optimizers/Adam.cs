using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Proxy.Optimizers;

/// <summary>
/// Adam (Kingma &amp; Ba 2015), step for step TorchSharp's <see cref="TorchSharp.Modules.Adam"/>: the same state,
/// options and checkpoints (the class keeps the name, because a saved optimizer names its type). One difference: the
/// step's coefficients are <see cref="Scalar"/>s held until the native calls that read them have returned.
/// TorchSharp's own step passes temporaries (β₂, 1 − β₂, the step size) converted from doubles; nothing references
/// such a Scalar once its handle is read, so a garbage collection during the call may let its finalizer free the
/// native value while libtorch reads it, and the step then fails with "Expected false to be true" from
/// <c>c10::Scalar::toFloat</c>, once in many millions of steps.
/// </summary>
public sealed class Adam : TorchSharp.Modules.Adam
{
    /// <summary>
    /// Adam over <paramref name="parameters"/>, with <c>torch.optim.Adam</c>'s defaults (β₁ 0.9, β₂ 0.999, ε 1e−8, no
    /// weight decay, no AMSGrad).
    /// </summary>
    public Adam(IEnumerable<Parameter> parameters, double learningRate)
        : base(parameters, learningRate)
    {
    }

    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        if (options.amsgrad == true || options.maximize == true || options.weight_decay is not (null or 0))
        {
            throw new NotSupportedException("This Adam steps plain Adam: no AMSGrad, maximisation or weight decay.");
        }

        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value;
        using Scalar decay1 = beta1.ToScalar(), rate1 = (1 - beta1).ToScalar(), decay2 = beta2.ToScalar(), rate2 = (1 - beta2).ToScalar(),
            eps = options.eps!.Value.ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }

            var state = (State)_state[parameter.Handle];
            state.step += 1;
            double correction1 = 1 - Math.Pow(beta1, state.step);
            double correction2 = 1 - Math.Pow(beta2, state.step);
            using Scalar root2 = Math.Sqrt(correction2).ToScalar(), stepSize = (-options.LearningRate!.Value / correction1).ToScalar();
            state.exp_avg.mul_(decay1).add_(grad, alpha: rate1);
            state.exp_avg_sq.mul_(decay2).addcmul_(grad, grad, value: rate2);
            using var denominator = state.exp_avg_sq.sqrt();
            denominator.div_(root2).add_(eps);
            parameter.addcdiv_(state.exp_avg, denominator, value: stepSize);
        }
    }, closure);
}
