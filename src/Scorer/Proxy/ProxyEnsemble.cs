using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// E independent MLP heads trained online on the same stream, each on its own bootstrap view
/// (per-sample Poisson weights, online bagging of Oza &amp; Russell 2001). Their mean softmax p̄ is the
/// proxy's prediction; their spread on p_y is the disagreement signal (Lakshminarayanan et al. 2017).
/// One optimizer holds all heads' parameters: the heads share no weights, so one step on the summed loss
/// is the same as E separate steps.
/// </summary>
internal sealed class ProxyEnsemble : IDisposable
{
    private readonly List<MlpHead> heads = [];
    private readonly optim.Optimizer optimizer;

    public ProxyEnsemble(int dimension, int classes, IReadOnlyList<int> hiddenSizes, int ensembleSize, string optimizerName, double learningRate, int seed, Device device)
    {
        Dimension = dimension;
        Classes = classes;
        HiddenSizes = [.. hiddenSizes];
        Device = device;
        OptimizerName = optimizerName.ToLowerInvariant();

        // Seed once here so that the same options give the same initial heads (the scoring thread is the only user).
        torch.random.manual_seed(seed);
        for (int e = 0; e < ensembleSize; e++)
        {
            var head = new MlpHead(dimension, hiddenSizes, classes);
            head.to(device);
            heads.Add(head);
        }

        var parameters = heads.SelectMany(h => h.parameters()).ToList();
        optimizer = OptimizerName switch
        {
            "sgd" => optim.SGD(parameters, learningRate, momentum: 0.9),
            _ => optim.Adam(parameters, learningRate),
        };
    }

    public int Dimension { get; }

    public int Classes { get; }

    public int[] HiddenSizes { get; }

    public int EnsembleSize => heads.Count;

    public string OptimizerName { get; }

    public Device Device { get; }

    internal IReadOnlyList<MlpHead> Heads => heads;

    /// <summary>
    /// Per-head softmax probabilities [E, B, C] and last hidden layers [E, B, H]. Call under <c>no_grad</c> for scoring.
    /// </summary>
    public (Tensor Probabilities, Tensor Hidden) Forward(Tensor features)
    {
        var probs = new Tensor[heads.Count];
        var hidden = new Tensor[heads.Count];
        for (int e = 0; e < heads.Count; e++)
        {
            var (logits, h) = heads[e].forward(features);
            probs[e] = nn.functional.softmax(logits, 1);
            hidden[e] = h;
        }

        return (stack(probs), stack(hidden));
    }

    /// <summary>
    /// One optimizer step on the batch; head e weighs sample i by <paramref name="bootstrapWeights"/>[e, i].
    /// Returns the mean weighted training loss over heads (before the step); when it is not finite, no step is taken.
    /// </summary>
    public float TrainStep(Tensor features, Tensor labels, Tensor bootstrapWeights)
    {
        foreach (var head in heads)
        {
            head.train();
        }

        optimizer.zero_grad();
        Tensor total = zeros(1, device: Device);
        long batch = features.shape[0];
        for (int e = 0; e < heads.Count; e++)
        {
            var (logits, _) = heads[e].forward(features);
            var perSample = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None);
            total = total + (perSample * bootstrapWeights[e]).sum() / batch;
        }

        // A non-finite loss (e.g. features so large the activations overflow) would write NaN into every
        // parameter: the step is skipped and the caller counts it.
        float value = total.item<float>();
        if (!float.IsFinite(value))
        {
            optimizer.zero_grad();
            return value;
        }

        total.backward();
        optimizer.step();
        foreach (var head in heads)
        {
            head.eval();
        }

        return value / heads.Count;
    }

    /// <summary>
    /// Bytes held by the proxy's tensors: parameters, their gradients and the optimizer's state (Adam keeps two
    /// moments per parameter, SGD with momentum one).
    /// </summary>
    public long TensorBytes()
    {
        long parameters = 0, gradients = 0;
        foreach (var parameter in heads.SelectMany(h => h.parameters()))
        {
            long bytes = parameter.NumberOfElements * parameter.ElementSize;
            parameters += bytes;
            gradients += parameter.grad is null ? 0 : bytes;
        }

        return parameters + gradients + (parameters * (OptimizerName == "sgd" ? 1 : 2));
    }

    public void Save(BinaryWriter writer)
    {
        foreach (var head in heads)
        {
            head.save(writer);
        }

        SaveOptimizer(writer);
    }

    public void Load(BinaryReader reader)
    {
        foreach (var head in heads)
        {
            head.load(reader);
        }

        LoadOptimizer(reader);
    }

    // TorchSharp's own optimizers (Adam, SGD) serialize their moments, so a restart resumes the same trajectory.
    private void SaveOptimizer(BinaryWriter writer) => ((TorchSharp.Modules.OptimizerHelper)optimizer).save_state_dict(writer);

    private void LoadOptimizer(BinaryReader reader) => ((TorchSharp.Modules.OptimizerHelper)optimizer).load_state_dict(reader);

    public void Dispose()
    {
        optimizer.Dispose();
        foreach (var head in heads)
        {
            head.Dispose();
        }
    }
}
