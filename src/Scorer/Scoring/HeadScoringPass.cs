using System.Numerics;
using EasyHard.Scorer.Proxy;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>The scoring pass of one range of heads, and what of it the host-side steps of the batch read.</summary>
internal static class HeadScoringPass
{
    /// <summary>
    /// Last-hidden activations above this count as overflow: far outside what any sane input produces, and large
    /// enough that the sample's training loss and Adam's squared gradients would overflow float32.
    /// </summary>
    private const float MaxActivation = 1e8f;

    /// <summary>
    /// The scoring pass of <paramref name="heads"/> on the batch <paramref name="x"/>, with its rows of the host
    /// arrays filled: logits, hidden-layer norms, whether the row is finite (activations within
    /// <see cref="MaxActivation"/>, a softmax defined), and the influence projections h·Ḡ_{:, :H}ᵀ when there is a target. Runs on the range's own thread.
    /// </summary>
    public static ForwardPass Run(ProxyEnsemble ensemble, HeadRange heads, Tensor x, InfluenceTarget? target, HeadScores scored)
    {
        int classes = ensemble.Classes;
        var pass = ensemble.Pass(x, heads);
        int n = (int)x.shape[0], first = heads.Start * n, count = heads.Count * n;
        var logits = scored.Logits.AsSpan(first * classes, count * classes);
        HostTensor.Read(pass.Logits).CopyTo(logits);
        var hidden = HostTensor.Read(pass.Hidden);
        int width = hidden.Length / count;
        for (int row = 0; row < count; row++)
        {
            scored.HiddenSquares[first + row] = SumOfSquares(hidden.Slice(row * width, width), MaxActivation, out var withinBound);
            scored.RowFinite[first + row] = withinBound && Softmax.IsDefined(logits.Slice(row * classes, classes));
        }

        if (target is not null)
        {
            HostTensor.Read(pass.Hidden.bmm(target.WeightsOf(heads))).CopyTo(scored.Projections.AsSpan(first * classes, count * classes));
        }

        return pass;
    }

    /// <summary>
    /// Σ h² over <paramref name="values"/>, in vector lanes, and whether every |h| is at most <paramref name="bound"/>
    /// (false when any h is NaN: NaN compares false, and the sum of squares keeps it).
    /// </summary>
    private static float SumOfSquares(ReadOnlySpan<float> values, float bound, out bool withinBound)
    {
        var squares = Vector<float>.Zero;
        var magnitudes = Vector<float>.Zero;
        int k = 0;
        for (; k + Vector<float>.Count <= values.Length; k += Vector<float>.Count)
        {
            var v = new Vector<float>(values[k..]);
            squares += v * v;
            magnitudes = Vector.Max(magnitudes, Vector.Abs(v));
        }

        float sum = Vector.Sum(squares);
        withinBound = Vector.LessThanOrEqualAll(magnitudes, new Vector<float>(bound));
        for (; k < values.Length; k++)
        {
            sum += values[k] * values[k];
            withinBound &= Math.Abs(values[k]) <= bound;
        }

        withinBound &= !float.IsNaN(sum);
        return sum;
    }
}
