using EasyHard.Scorer.Proxy;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The target set's mean last-layer gradient Ḡ [E, C, H+1] split for scoring: its weight part transposed on the
/// device, [E, H, C], so a batch's projections h·Ḡ_{:, :H}ᵀ are one batched multiply, and its bias column [E, C] on
/// the host.
/// </summary>
internal sealed class InfluenceTarget : IDisposable
{
    private InfluenceTarget(Tensor weights, float[] bias)
    {
        Weights = weights;
        Bias = bias;
    }

    /// <summary>[E, H, C] Ḡ's weight part, transposed, on the scorer's device.</summary>
    public Tensor Weights { get; }

    /// <summary>The weight part of heads <paramref name="heads"/> alone, [heads.Count, H, C] (a view).</summary>
    public Tensor WeightsOf(HeadRange heads) => Weights.narrow(0, heads.Start, heads.Count);

    /// <summary>[E, C] Ḡ's bias column.</summary>
    public float[] Bias { get; }

    /// <param name="meanGradient">[E, C, H+1] from <see cref="Signals.MeanLastLayerGradient"/>.</param>
    public static InfluenceTarget From(float[] meanGradient, int heads, int classes, Device device)
    {
        ArgumentNullException.ThrowIfNull(meanGradient);
        int width = (meanGradient.Length / (heads * classes)) - 1;
        var bias = new float[heads * classes];
        for (int k = 0; k < bias.Length; k++)
        {
            bias[k] = meanGradient[(k * (width + 1)) + width];
        }

        using var scope = NewDisposeScope();
        var weights = HostTensor.Copy(meanGradient, heads, classes, width + 1).narrow(2, 0, width).transpose(1, 2).contiguous().to(device);
        return new InfluenceTarget(weights.DetachFromDisposeScope(), bias);
    }

    public void Dispose() => Weights.Dispose();
}
