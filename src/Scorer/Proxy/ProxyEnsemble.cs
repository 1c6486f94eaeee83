using EasyHard.Scorer.Persistence;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// E independent ReLU MLP heads trained online on the same stream, each on its own bootstrap view (per-sample
/// Poisson weights, online bagging of Oza &amp; Russell 2001). Their mean softmax p̄ is the proxy's prediction; their
/// spread on p_y is the disagreement signal (Lakshminarayanan et al. 2017).
/// <para>
/// The heads are stored fused: layer l of every head is one weight [E, in, out] and one bias [E, 1, out], so a
/// forward or backward pass is one batched matrix multiply per layer instead of E small ones, and the optimizer
/// updates 2·layers tensors instead of 2·layers·E. The heads still share no weights, and Adam and SGD act per
/// coordinate, so one step on the summed loss is the same as E separate models with E optimizers.
/// </para>
/// </summary>
internal sealed class ProxyEnsemble : IDisposable
{
    private readonly Parameter[] weights;
    private readonly Parameter[] biases;
    private readonly optim.Optimizer optimizer;
    private readonly Parameter[] parameters;
    private readonly Adam.State[]? adamStates;
    private readonly Adam.Options? adamOptions;

    /// <summary>
    /// Adam's step count t per head when <see cref="HostAdam"/> steps (<see cref="TrainsHeadsApart"/>): ranges of
    /// heads train on threads of their own, and a range whose loss was not finite skips its step alone. The optimizer
    /// state's own count (one per fused tensor) is written from these before a save and read back after a load.
    /// </summary>
    private readonly long[] headSteps;

    /// <param name="schedule">The learning rate by Adam step; null: <paramref name="learningRate"/> throughout.</param>
    public ProxyEnsemble(int dimension, int classes, IReadOnlyList<int> hiddenSizes, int ensembleSize, string optimizerName, double learningRate, int seed, Device device,
        LearningRateSchedule? schedule = null)
    {
        Schedule = schedule ?? new LearningRateSchedule(learningRate);
        Dimension = dimension;
        Classes = classes;
        HiddenSizes = [.. hiddenSizes];
        EnsembleSize = ensembleSize;
        Device = device;
        OptimizerName = optimizerName.ToLowerInvariant();

        int[] widths = [dimension, .. hiddenSizes, classes];
        weights = new Parameter[widths.Length - 1];
        biases = new Parameter[widths.Length - 1];

        // Drawn on the CPU from one seeded generator (the scoring thread is the only user), so the same options give
        // the same initial heads on every device.
        var generator = new Generator((ulong)seed);
        using (no_grad())
        {
            for (int l = 0; l < weights.Length; l++)
            {
                // nn.Linear's default initialisation: kaiming_uniform(a = √5) on the weight is U(±1/√fan_in), the
                // same bound as the bias (He et al. 2015; PyTorch's reset_parameters).
                double bound = 1.0 / Math.Sqrt(widths[l]);
                using var w = empty(ensembleSize, widths[l], widths[l + 1]).uniform_(-bound, bound, generator);
                using var b = empty(ensembleSize, 1, widths[l + 1]).uniform_(-bound, bound, generator);
                weights[l] = nn.Parameter(w.to(device));
                biases[l] = nn.Parameter(b.to(device));
            }
        }

        parameters = [.. Parameters()];
        optimizer = OptimizerName switch
        {
            "sgd" => new Optimizers.SGD(parameters, learningRate, momentum: 0.9),
            _ => new Optimizers.Adam(parameters, learningRate),
        };

        // The optimizer's live state and options objects, the states in the order of the parameters (checkpoints load
        // into them in place).
        if (optimizer is Adam adam)
        {
            var state = adam.state_dict();
            adamStates = [.. state.State.Cast<Adam.State>()];
            adamOptions = (Adam.Options)state.Options[0];
        }

        // HostAdam covers Adam's default options on CPU tensors; anything else steps through libtorch, all heads at once.
        TrainsHeadsApart = device.type == DeviceType.CPU && adamOptions is { weight_decay: 0, amsgrad: false, maximize: false };
        headSteps = new long[ensembleSize];
        ReadHeadSteps();
    }

    public int Dimension { get; }

    public int Classes { get; }

    public int[] HiddenSizes { get; }

    public int EnsembleSize { get; }

    public string OptimizerName { get; }

    public Device Device { get; }

    /// <summary>The learning rate by Adam step (SGD keeps the base rate: its state has no step count).</summary>
    public LearningRateSchedule Schedule { get; }

    /// <summary>Every head, the range <see cref="Pass(Tensor)"/> and <see cref="TrainOn(ForwardPass, ReadOnlySpan{long}, ReadOnlySpan{float})"/> cover.</summary>
    public HeadRange AllHeads => new(0, EnsembleSize);

    /// <summary>
    /// Whether disjoint <see cref="HeadRange"/>s may be passed and trained on threads of their own: Adam on the CPU,
    /// whose step (<see cref="HostAdam"/>) updates each head's slice of the fused tensors alone. libtorch's optimizers
    /// step whole tensors, so SGD and a GPU proxy train all heads at once.
    /// </summary>
    public bool TrainsHeadsApart { get; }

    /// <summary>Layer l's weights of all heads, [E, in, out].</summary>
    internal IReadOnlyList<Parameter> Weights => weights;

    /// <summary>Layer l's biases of all heads, [E, 1, out].</summary>
    internal IReadOnlyList<Parameter> Biases => biases;

    /// <summary>The parameters in the optimizer's order: W₀, b₀, W₁, b₁, ….</summary>
    internal IReadOnlyList<Parameter> OptimizerParameters => parameters;

    /// <summary>Per-head softmax probabilities [E, B, C] and last hidden layers [E, B, H].</summary>
    public (Tensor Probabilities, Tensor Hidden) Forward(Tensor features)
    {
        var pass = Pass(features);
        return (nn.functional.softmax(pass.Logits, 2), pass.Hidden);
    }

    /// <summary>
    /// Head <paramref name="head"/>'s logits [B, C] from its own slices of the fused parameters, layer by layer as a
    /// standalone MLP computes them: the reference the fused pass is held against.
    /// </summary>
    internal Tensor HeadLogits(int head, Tensor features)
    {
        var a = features;
        for (int l = 0; l < weights.Length; l++)
        {
            a = biases[l][head].addmm(a, weights[l][head]);
            a = l + 1 < weights.Length ? nn.functional.relu(a) : a;
        }

        return a;
    }

    /// <summary>
    /// The forward pass with every layer's input kept, so that <see cref="TrainOn(ForwardPass, ReadOnlySpan{long}, ReadOnlySpan{float})"/> can backpropagate through the
    /// pass that scored a batch instead of computing it again. Layer by layer, every head in one batched multiply:
    /// baddbmm computes b_e + a_e W_e for all e; the input is shared, so it enters as a stride-0 expand rather than
    /// E copies. No autograd graph is recorded: the training computes the gradients itself.
    /// </summary>
    public ForwardPass Pass(Tensor features) => Pass(features, AllHeads);

    /// <summary><see cref="Pass(Tensor)"/> of heads <paramref name="heads"/> alone: [heads.Count, B, ·] per layer.</summary>
    public ForwardPass Pass(Tensor features, HeadRange heads)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var noGrad = no_grad();
        var inputs = new Tensor[weights.Length];
        var a = features.unsqueeze(0).expand(heads.Count, -1, -1);
        for (int l = 0; l + 1 < weights.Length; l++)
        {
            inputs[l] = a;
            a = Affine(a, l, heads).relu_();
        }

        inputs[^1] = a;
        return new ForwardPass(inputs, Affine(a, weights.Length - 1, heads));
    }

    /// <summary>
    /// One optimizer step on the batch; head e weighs sample i by <paramref name="bootstrapWeights"/>[e, i].
    /// Returns the mean weighted training loss over heads (before the step); when it is not finite, no step is taken.
    /// </summary>
    public float TrainStep(Tensor features, Tensor labels, Tensor bootstrapWeights)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(bootstrapWeights);
        using var hostLabels = labels.cpu().to_type(ScalarType.Int64).contiguous();
        using var hostWeights = bootstrapWeights.cpu().to_type(ScalarType.Float32).contiguous();
        return TrainOn(Pass(features), hostLabels.data<long>().ToArray(), HostTensor.Floats(hostWeights));
    }

    /// <summary>
    /// <see cref="TrainStep"/> on a pass already computed by <see cref="Pass(Tensor)"/> under the current parameters, with the
    /// labels [B] and bootstrap weights [E, B] on the host.
    /// </summary>
    public float TrainOn(ForwardPass pass, ReadOnlySpan<long> labels, ReadOnlySpan<float> bootstrapWeights) =>
        TrainOn(pass, labels, bootstrapWeights, AllHeads);

    /// <summary>
    /// <see cref="TrainOn(ForwardPass, ReadOnlySpan{long}, ReadOnlySpan{float})"/> for heads <paramref name="heads"/>
    /// alone, on their pass (<see cref="Pass(Tensor, HeadRange)"/>) with their bootstrap weights [heads.Count, B].
    /// Disjoint ranges may train at the same time on different threads where <see cref="TrainsHeadsApart"/> holds.
    /// </summary>
    public float TrainOn(ForwardPass pass, ReadOnlySpan<long> labels, ReadOnlySpan<float> bootstrapWeights, HeadRange heads)
    {
        using var scope = NewDisposeScope();
        var gradients = Gradients(pass, labels, bootstrapWeights, heads, out var loss);

        // A non-finite loss (e.g. features so large the activations overflow) would write NaN into every
        // parameter of these heads: their step is skipped and the caller counts it.
        if (!double.IsFinite(loss))
        {
            return (float)loss;
        }

        Step(gradients, heads);
        return (float)(loss / heads.Count);
    }

    /// <summary>
    /// Backpropagation through the ReLU MLP heads by hand, one batched multiply per matrix: with δ_L = ∂L/∂z_L from
    /// <see cref="WeightedCrossEntropy"/>, layer l's gradients are ∂L/∂W_l = a_lᵀ δ_l and ∂L/∂b_l = Σᵢ δ_l, and
    /// δ_{l−1} = (δ_l W_lᵀ) ⊙ 1[a_l &gt; 0]. The same arithmetic autograd does, without its graph: a dozen ops per step
    /// instead of some forty. Returns the gradients in the order of the parameters (W₀, b₀, W₁, …) and the loss L.
    /// </summary>
    internal Tensor[] Gradients(ForwardPass pass, ReadOnlySpan<long> labels, ReadOnlySpan<float> bootstrapWeights, out double loss) =>
        Gradients(pass, labels, bootstrapWeights, AllHeads, out loss);

    private Tensor[] Gradients(ForwardPass pass, ReadOnlySpan<long> labels, ReadOnlySpan<float> bootstrapWeights, HeadRange heads, out double loss)
    {
        ArgumentNullException.ThrowIfNull(pass);
        if (pass.Logits.shape[0] != heads.Count)
        {
            throw new ArgumentException($"The pass holds {pass.Logits.shape[0]} heads, not the {heads.Count} of heads {heads.Start}..{heads.End - 1}.", nameof(pass));
        }

        using var noGrad = no_grad();
        var outputGradient = new float[pass.Logits.NumberOfElements];
        loss = WeightedCrossEntropy.LossAndGradient(HostTensor.Read(pass.Logits), labels, bootstrapWeights, Classes, outputGradient);
        var gradients = new Tensor[2 * weights.Length];
        if (!double.IsFinite(loss))
        {
            return gradients;
        }

        var delta = HostTensor.Copy(outputGradient, pass.Logits.shape).to(Device);
        for (int l = weights.Length - 1; l >= 0; l--)
        {
            var input = pass.LayerInputs[l];
            gradients[2 * l] = input.transpose(1, 2).bmm(delta);
            gradients[(2 * l) + 1] = delta.sum(1, keepdim: true);
            if (l > 0)
            {
                // ReLU's derivative is 1[a > 0] = sign(a) for a = relu(z) ≥ 0: a vectorized multiply, where a masked
                // fill walks a boolean mask element by element.
                delta = delta.bmm(Slice(weights[l], heads).transpose(1, 2)).mul_(input.sign());
            }
        }

        return gradients;
    }

    /// <summary>
    /// Adam on the CPU takes <see cref="HostAdam"/>'s single pass over each head's slice of every tensor, with the
    /// heads' own step count; SGD and a GPU proxy step all heads through libtorch, which reads the gradients from the
    /// parameters.
    /// </summary>
    private void Step(Tensor[] gradients, HeadRange heads)
    {
        if (!TrainsHeadsApart)
        {
            if (heads != AllHeads)
            {
                throw new InvalidOperationException($"Heads {heads.Start}..{heads.End - 1} cannot step alone: {OptimizerName} on {Device} steps every head at once.");
            }

            for (int j = 0; j < parameters.Length; j++)
            {
                parameters[j].grad = gradients[j];
            }

            if (adamStates is { Length: > 0 })
            {
                foreach (var group in optimizer.ParamGroups)
                {
                    group.LearningRate = Schedule.At(adamStates[0].step + 1);
                }
            }

            optimizer.step();
            return;
        }

        // The heads of a range always step together, so they share one count.
        long step = headSteps[heads.Start] + 1;
        var options = adamOptions!;
        for (int j = 0; j < parameters.Length; j++)
        {
            long perHead = parameters[j].NumberOfElements / EnsembleSize;
            HostAdam.Step(parameters[j], gradients[j], adamStates![j], heads.Start * perHead, step,
                Schedule.At(step), options.beta1!.Value, options.beta2!.Value, options.eps!.Value);
        }

        Array.Fill(headSteps, step, heads.Start, heads.Count);
    }

    /// <summary>
    /// Bytes held by the proxy's tensors: parameters, their gradients and the optimizer's state (Adam keeps two
    /// moments per parameter, SGD with momentum one).
    /// </summary>
    public long TensorBytes()
    {
        long parameters = 0, gradients = 0;
        foreach (var parameter in Parameters())
        {
            long bytes = parameter.NumberOfElements * parameter.ElementSize;
            parameters += bytes;
            gradients += parameter.grad is null ? 0 : bytes;
        }

        return parameters + gradients + (parameters * (OptimizerName == "sgd" ? 1 : 2));
    }

    public void Save(BinaryWriter writer)
    {
        foreach (var parameter in Parameters())
        {
            using var detached = parameter.detach();
            using var host = detached.cpu();
            CheckpointIo.Write(writer, host.data<float>().ToArray());
        }

        SaveOptimizer(writer);
    }

    public void Load(BinaryReader reader)
    {
        using (no_grad())
        {
            foreach (var parameter in Parameters())
            {
                var values = new float[parameter.NumberOfElements];
                CheckpointIo.Read(reader, values);
                using var loaded = tensor(values, parameter.shape);
                parameter.copy_(loaded);
            }
        }

        LoadOptimizer(reader);
    }

    /// <summary>Number of parameters of every head together (weights and biases of every layer).</summary>
    public long ParameterCount => Parameters().Sum(p => p.NumberOfElements);

    /// <summary>Every parameter, flattened in checkpoint order, on the host: what scorer instances average.</summary>
    public float[] ExportParameters()
    {
        var values = new float[ParameterCount];
        int at = 0;
        foreach (var parameter in Parameters())
        {
            using var detached = parameter.detach();
            using var host = detached.cpu();
            host.data<float>().CopyTo(values, at);
            at += (int)parameter.NumberOfElements;
        }

        return values;
    }

    /// <summary>
    /// Overwrites every parameter with <paramref name="values"/> (the order of <see cref="ExportParameters"/>). The
    /// optimizer's moments stay: in local SGD each worker keeps its own optimizer state across averaging rounds.
    /// </summary>
    public void ImportParameters(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != ParameterCount)
        {
            throw new ArgumentException($"{values.Length} parameters where the ensemble has {ParameterCount}.", nameof(values));
        }

        using (no_grad())
        {
            int at = 0;
            foreach (var parameter in Parameters())
            {
                int count = (int)parameter.NumberOfElements;
                using var loaded = tensor(values.AsSpan(at, count).ToArray(), parameter.shape);
                parameter.copy_(loaded);
                at += count;
            }
        }
    }

    /// <summary>
    /// Lets <paramref name="update"/> write into the optimizer's live state (its options and per-parameter state, in the
    /// order of <see cref="OptimizerParameters"/>) and returns what it returns; when it wrote (true), every head's Adam
    /// step count is taken from the state, as after a load.
    /// </summary>
    internal bool UpdateOptimizerState(Func<optim.Optimizer.StateDictionary, bool> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (!update(((OptimizerHelper)optimizer).state_dict()))
        {
            return false;
        }

        ReadHeadSteps();
        return true;
    }

    // TorchSharp's Tensor.baddbmm takes the receiver as the first batch and the added tensor last:
    // batch1.baddbmm(batch2, input) = input + batch1 @ batch2.
    private Tensor Affine(Tensor a, int layer, HeadRange heads) => a.baddbmm(Slice(weights[layer], heads), Slice(biases[layer], heads));

    /// <summary>The heads' part of a fused [E, ·, ·] tensor: the tensor itself for all heads, else a view (contiguous: heads lead).</summary>
    private Tensor Slice(Tensor fused, HeadRange heads) => heads == AllHeads ? fused : fused.narrow(0, heads.Start, heads.Count);

    /// <summary>The Adam step count of the heads <paramref name="heads"/> (the largest among them).</summary>
    internal long AdamStep(HeadRange heads) => headSteps.AsSpan(heads.Start, heads.Count).ToArray().Max();

    /// <summary>Every head's Adam step count from the optimizer state (one count per fused tensor, all equal).</summary>
    private void ReadHeadSteps() => Array.Fill(headSteps, adamStates is { Length: > 0 } ? adamStates[0].step : 0);

    /// <summary>
    /// The optimizer state's counts from the heads' before a save. The state holds one count per fused tensor, so it
    /// keeps the largest: heads differ only after a range skipped a step on a non-finite loss, and Adam's bias
    /// corrections (1 − βᵗ) are then the same to within βᵗ.
    /// </summary>
    private void WriteHeadSteps()
    {
        if (TrainsHeadsApart)
        {
            foreach (var state in adamStates!)
            {
                state.step = headSteps.Max();
            }
        }
    }

    private IEnumerable<Parameter> Parameters() => weights.Zip(biases, (w, b) => new[] { w, b }).SelectMany(p => p);

    // TorchSharp's own optimizers (Adam, SGD) serialize their moments, so a restart resumes the same trajectory.
    private void SaveOptimizer(BinaryWriter writer)
    {
        WriteHeadSteps();
        ((OptimizerHelper)optimizer).save_state_dict(writer);
    }

    private void LoadOptimizer(BinaryReader reader)
    {
        ((OptimizerHelper)optimizer).load_state_dict(reader);
        ReadHeadSteps();
    }

    public void Dispose()
    {
        optimizer.Dispose();
        foreach (var parameter in Parameters())
        {
            parameter.Dispose();
        }
    }
}
