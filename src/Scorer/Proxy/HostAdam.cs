using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// Adam's update for parameters in CPU memory, done in one vectorized pass per tensor over parameter, gradient and
/// both moments (Kingma &amp; Ba 2015, Algorithm 1, with the bias corrections applied as PyTorch applies them). libtorch's
/// Adam, as TorchSharp calls it, makes eight passes and allocates two temporaries per tensor; on the proxy's 300k
/// parameters and four steps per batch that was a fifth of the scorer's time (PyTorch's own answer is its fused CPU
/// Adam, which TorchSharp does not expose). The moments stay in TorchSharp's Adam state, so checkpoints keep their
/// format and a GPU proxy keeps libtorch's Adam.
/// </summary>
internal static class HostAdam
{
    /// <summary>
    /// One Adam step, the <paramref name="step"/>-th, on the elements [offset, offset + |g|) of
    /// <paramref name="parameter"/> and of its moments from <paramref name="gradient"/>: m ← β₁m + (1 − β₁)g,
    /// v ← β₂v + (1 − β₂)g², θ ← θ − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε). Every tensor must be float32,
    /// contiguous and on the CPU. The step count stays with the caller, which may step disjoint ranges of one tensor on
    /// different threads.
    /// </summary>
    public static void Step(Tensor parameter, Tensor gradient, Adam.State state, long offset, long step, double learningRate, double beta1, double beta2, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfLessThan(step, 1);
        double correction1 = 1 - Math.Pow(beta1, step);
        double correction2 = 1 - Math.Pow(beta2, step);
        // 1 − β in double, then rounded, as libtorch receives it: in float, 1 − 0.999f is off by 1.3e-5 relative.
        float b1 = (float)beta1, keep1 = (float)(1 - beta1), b2 = (float)beta2, keep2 = (float)(1 - beta2);
        float sqrtCorrection2 = (float)Math.Sqrt(correction2), eps = (float)epsilon, stepSize = (float)(learningRate / correction1);

        var g = HostTensor.Floats(gradient);
        int start = checked((int)offset);
        Update(HostTensor.Floats(parameter).Slice(start, g.Length), g, HostTensor.Floats(state.exp_avg).Slice(start, g.Length),
            HostTensor.Floats(state.exp_avg_sq).Slice(start, g.Length), b1, keep1, b2, keep2, sqrtCorrection2, eps, stepSize);
    }

    /// <summary>The update itself, on spans (one pass; <see cref="Vector{T}"/> lanes, then the remainder).</summary>
    internal static void Update(Span<float> theta, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float beta1, float keep1, float beta2, float keep2, float sqrtCorrection2, float epsilon, float stepSize)
    {
        // Memory traffic bounds this loop (four values read and three written per parameter, a few MB per tensor); the
        // division by √(1 − β₂ᵗ) is a multiply all the same.
        float inverseSqrtCorrection2 = 1 / sqrtCorrection2;
        var epsilonV = new Vector<float>(epsilon);
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var thetaV = MemoryMarshal.Cast<float, Vector<float>>(theta);
            var gV = MemoryMarshal.Cast<float, Vector<float>>(g);
            var mV = MemoryMarshal.Cast<float, Vector<float>>(m);
            var vV = MemoryMarshal.Cast<float, Vector<float>>(v);
            for (int k = 0; k < thetaV.Length; k++)
            {
                var gk = gV[k];
                var mk = (mV[k] * beta1) + (gk * keep1);
                var vk = (vV[k] * beta2) + (gk * gk * keep2);
                mV[k] = mk;
                vV[k] = vk;
                thetaV[k] -= stepSize * (mk / ((Vector.SquareRoot(vk) * inverseSqrtCorrection2) + epsilonV));
            }

            i = thetaV.Length * Vector<float>.Count;
        }

        for (; i < theta.Length; i++)
        {
            float gi = g[i];
            float mi = (m[i] * beta1) + (gi * keep1);
            float vi = (v[i] * beta2) + (gi * gi * keep2);
            m[i] = mi;
            v[i] = vi;
            theta[i] -= stepSize * (mi / ((MathF.Sqrt(vi) * inverseSqrtCorrection2) + epsilon));
        }
    }
}
