using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// One proxy head: ReLU MLP body and a final <see cref="Linear"/> classifier. Returns the logits and the last
/// hidden layer h, because the closed-form last-layer gradient (p − y) ⊗ [h; 1] needs h.
/// </summary>
internal sealed class MlpHead : nn.Module<Tensor, (Tensor Logits, Tensor Hidden)>
{
    private readonly Sequential body;
    private readonly Linear output;

    public MlpHead(int dimension, IReadOnlyList<int> hiddenSizes, int classes)
        : base(nameof(MlpHead))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        int input = dimension;
        for (int i = 0; i < hiddenSizes.Count; i++)
        {
            layers.Add(($"linear{i}", nn.Linear(input, hiddenSizes[i])));
            layers.Add(($"relu{i}", nn.ReLU()));
            input = hiddenSizes[i];
        }

        body = nn.Sequential(layers);
        output = nn.Linear(input, classes);
        RegisterComponents();
    }

    /// <summary>The classifier layer whose gradient the signals use.</summary>
    public Linear Output => output;

    public override (Tensor Logits, Tensor Hidden) forward(Tensor input)
    {
        var hidden = body.forward(input);
        return (output.forward(hidden), hidden);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            output.Dispose();
        }

        base.Dispose(disposing);
    }
}
