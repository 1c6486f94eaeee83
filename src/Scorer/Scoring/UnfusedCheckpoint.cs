using EasyHard.Scorer.Proxy;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Scorer checkpoint format 2, still read: everything as format 3 stores it but the ensemble, which it held as one
/// module per head. On load, each head's [out, in] weights become its [in, out] slice of the fused weight, and each
/// parameter's optimizer state is stacked the same way (Adam's step count and moments, SGD's momentum buffer), so
/// training resumes on the same trajectory. The next save writes format 3.
/// </summary>
internal static class UnfusedCheckpoint
{
    public const int Format = 2;

    /// <summary>
    /// Reads the ensemble part of a format-2 checkpoint into <paramref name="ensemble"/>. Returns false when the
    /// optimizer state could not be carried over (the heads' Adam step counts or SGD buffers disagree, which one
    /// optimizer stepping every head never writes); the weights are restored either way and the optimizer then
    /// starts afresh.
    /// </summary>
    public static bool LoadEnsemble(BinaryReader reader, ProxyEnsemble ensemble)
    {
        using var unfused = UnfusedHeads.Read(reader, [ensemble.Dimension, .. ensemble.HiddenSizes, ensemble.Classes], ensemble.EnsembleSize, ensemble.OptimizerName);
        var fused = ensemble.OptimizerParameters;
        using (no_grad())
        {
            for (int j = 0; j < fused.Count; j++)
            {
                using var loaded = UnfusedHeads.Fuse(unfused.Parameters.Select(head => (Tensor)head[j]));
                fused[j].copy_(loaded);
            }
        }

        var source = unfused.OptimizerState;
        return ensemble.UpdateOptimizerState(target => LoadOptimizer(ensemble, source, target, fused.Count));
    }

    private static bool LoadOptimizer(ProxyEnsemble ensemble, optim.Optimizer.StateDictionary source, optim.Optimizer.StateDictionary target, int count)
    {
        // Per-head state of fused parameter j: head e's is entry e·count + j of the format-2 optimizer.
        IEnumerable<T> Slices<T>(int j)
            where T : OptimizerState => Enumerable.Range(0, ensemble.EnsembleSize).Select(e => (T)source.State[(e * count) + j]);

        if (ensemble.OptimizerName == "sgd")
        {
            // SGD creates its momentum buffers at the first step, for every parameter at once.
            var buffers = Enumerable.Range(0, count).Select(j => Slices<SGD.State>(j).Select(s => s.momentum_buffer).ToArray()).ToArray();
            bool started = buffers.All(b => b.All(t => t is not null));
            if (!started && buffers.Any(b => b.Any(t => t is not null)))
            {
                return false;
            }

            for (int j = 0; j < count && started; j++)
            {
                var state = (SGD.State)target.State[j];
                using var host = UnfusedHeads.Fuse(buffers[j]);
                state.momentum_buffer?.Dispose();
                state.momentum_buffer = host.to(ensemble.Device, copy: true);
            }
        }
        else
        {
            var steps = Enumerable.Range(0, count).SelectMany(j => Slices<Adam.State>(j).Select(s => s.step)).Distinct().ToArray();
            if (steps.Length != 1)
            {
                return false;
            }

            using (no_grad())
            {
                for (int j = 0; j < count; j++)
                {
                    var heads = Slices<Adam.State>(j).ToArray();
                    var state = (Adam.State)target.State[j];
                    state.step = steps[0];
                    using var average = UnfusedHeads.Fuse(heads.Select(s => s.exp_avg));
                    using var squares = UnfusedHeads.Fuse(heads.Select(s => s.exp_avg_sq));
                    state.exp_avg.copy_(average);
                    state.exp_avg_sq.copy_(squares);
                }
            }
        }

        // Learning rate and the rest, as a format-3 checkpoint restores them.
        target.Options[0].LoadStateDict(source.Options[0]);
        return true;
    }

    /// <summary>
    /// The proxy as scorer checkpoint format 2 stored it: E separate MLP modules, each written by TorchSharp's
    /// <c>Module.save</c> (keys <c>body.linear{i}.weight|bias</c> and <c>output.weight|bias</c>, <c>nn.Linear</c> weights
    /// [out, in], biases [out]), then one optimizer over every head's parameters, head by head, layer by layer, weight
    /// before bias. It is read back with TorchSharp's own loaders into modules and an optimizer of that same layout, so
    /// names, shapes, element types and the optimizer's kind are checked as format 2's reader checked them.
    /// </summary>
    private sealed class UnfusedHeads : IDisposable
    {
        private readonly nn.Module[] heads;
        private readonly Parameter[][] parameters;
        private readonly OptimizerHelper optimizer;

        private UnfusedHeads(IReadOnlyList<int> widths, int ensembleSize, string optimizerName)
        {
            heads = new nn.Module[ensembleSize];
            parameters = new Parameter[ensembleSize][];
            for (int e = 0; e < ensembleSize; e++)
            {
                // Only the parameter names matter for loading: the activations between the layers hold no state.
                var body = Enumerable.Range(0, widths.Count - 2)
                    .Select(i => ($"linear{i}", (nn.Module<Tensor, Tensor>)nn.Linear(widths[i], widths[i + 1])))
                    .ToArray();
                heads[e] = nn.Sequential(("body", nn.Sequential(body)), ("output", nn.Linear(widths[^2], widths[^1])));
                parameters[e] = [.. heads[e].parameters()];
            }

            var all = parameters.SelectMany(p => p).ToList();
            optimizer = optimizerName switch
            {
                "sgd" => optim.SGD(all, 1e-3, momentum: 0.9),
                _ => optim.Adam(all, 1e-3),
            };
        }

        /// <summary>Per head, the format-2 parameters in optimizer order: layer 0 weight, layer 0 bias, layer 1 weight, ….</summary>
        public IReadOnlyList<IReadOnlyList<Parameter>> Parameters => parameters;

        /// <summary>The optimizer's options and per-parameter state, in the order of all heads' <see cref="Parameters"/>.</summary>
        public optim.Optimizer.StateDictionary OptimizerState => optimizer.state_dict();

        /// <summary>Reads the ensemble part of a format-2 checkpoint, from just after the engine's statistics and history.</summary>
        public static UnfusedHeads Read(BinaryReader reader, IReadOnlyList<int> widths, int ensembleSize, string optimizerName)
        {
            var unfused = new UnfusedHeads(widths, ensembleSize, optimizerName);
            try
            {
                foreach (var head in unfused.heads)
                {
                    head.load(reader);
                }

                unfused.optimizer.load_state_dict(reader);
                return unfused;
            }
            catch
            {
                unfused.Dispose();
                throw;
            }
        }

        /// <summary>
        /// One fused tensor from the heads' own: an [out, in] weight (or its moments) becomes the head's [in, out] slice,
        /// an [out] bias its [1, out] slice, stacked along a new head dimension: [E, in, out] or [E, 1, out].
        /// </summary>
        public static Tensor Fuse(IEnumerable<Tensor> perHead) =>
            stack(perHead.Select(t => t.dim() == 2 ? t.t() : t.unsqueeze(0)).ToArray());

        public void Dispose()
        {
            optimizer.Dispose();
            foreach (var head in heads)
            {
                head.Dispose();
            }
        }
    }
}
