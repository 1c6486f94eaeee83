using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// The proxy as scorer checkpoint format 2 stored it: E separate MLP modules, each written by TorchSharp's
/// <c>Module.save</c> (keys <c>body.linear{i}.weight|bias</c> and <c>output.weight|bias</c>, <c>nn.Linear</c> weights
/// [out, in], biases [out]), then one optimizer over every head's parameters, head by head, layer by layer, weight
/// before bias. It is read back with TorchSharp's own loaders into modules and an optimizer of that same layout, so
/// names, shapes, element types and the optimizer's kind are checked as format 2's reader checked them.
/// </summary>
internal sealed class UnfusedHeads : IDisposable
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
