using EasyHard.Scorer.Proxy;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The influence target Ḡ [E, C, H+1], the mean last-layer gradient of the influence target set under the current
/// model: the targets topic's samples when any arrived, else the reservoir of recent clean samples. Kept between
/// batches, because it takes a forward pass over the whole target set.
/// </summary>
internal sealed class InfluenceTargetCache(ProxyEnsemble ensemble, CleanReservoir reservoir, TargetBuffer? targets, ScorerOptions options) : IDisposable
{
    private InfluenceTarget? target;
    private long targetVersion = -1;

    /// <summary>
    /// Ḡ for the batch after <paramref name="batches"/> batches: recomputed every <c>Scorer:Statistics:InfluenceRefreshBatches</c>
    /// batches or when new targets arrived; null while there is no target.
    /// </summary>
    public InfluenceTarget? Current(long batches)
    {
        bool useTargets = targets is { Count: > 0 };
        if (!useTargets && reservoir.Size == 0)
        {
            return null;
        }

        long version = useTargets ? targets!.Version : -1;
        if (target is not null && batches % options.Statistics.InfluenceRefreshBatches != 0 && version == targetVersion)
        {
            return target;
        }

        int dimension = ensemble.Dimension, classes = ensemble.Classes;
        var (targetFeatures, targetLabels) = useTargets
            ? targets!.Snapshot()
            : (reservoir.Features.AsMemory(0, reservoir.Size * dimension), reservoir.Labels.AsSpan(0, reservoir.Size).ToArray());
        using (var scope = NewDisposeScope())
        {
            var targetPass = ensemble.Pass(HostTensor.Copy(targetFeatures.Span, targetLabels.Length, dimension).to(ensemble.Device));
            var targetProbabilities = new float[targetPass.Logits.NumberOfElements];
            Softmax.Rows(HostTensor.Read(targetPass.Logits), targetProbabilities, classes);
            var gradient = Signals.MeanLastLayerGradient(targetProbabilities, HostTensor.Read(targetPass.Hidden), targetLabels,
                ensemble.EnsembleSize, classes);
            target?.Dispose();
            target = InfluenceTarget.From(gradient, ensemble.EnsembleSize, classes, ensemble.Device);
        }

        targetVersion = version;
        return target;
    }

    public void Dispose() => target?.Dispose();
}
