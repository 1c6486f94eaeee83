using static TorchSharp.torch;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// One forward pass of the ensemble, kept for the backward pass: the input of every layer ([E, B, width]; the first
/// is the shared features, expanded with stride 0) and the logits [E, B, C]. Backpropagation needs exactly these,
/// so the pass that scores a batch can also train on it.
/// </summary>
internal sealed record ForwardPass(IReadOnlyList<Tensor> LayerInputs, Tensor Logits)
{
    /// <summary>The last hidden layer [E, B, H] (the input of the output layer).</summary>
    public Tensor Hidden => LayerInputs[^1];

    public long BatchSize => Logits.shape[1];

    /// <summary>The same pass restricted to samples [start, start + length): views, no copies.</summary>
    public ForwardPass Rows(long start, long length) =>
        new([.. LayerInputs.Select(a => a.narrow(1, start, length))], Logits.narrow(1, start, length));
}
