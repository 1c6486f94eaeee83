using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Proxy;

/// <summary>
/// A frozen proxy ensemble trained on held-out data (<c>easyhard train-reference</c>). Its loss is the "irreducible
/// loss" of RHO-LOSS (Mindermann et al. 2022, "Prioritized Training on Points that are Learnable, Worth Learning,
/// and Not Yet Learnt"): reducible loss = proxy loss − reference loss is high for samples that are learnable but not
/// yet learnt, low for noisy (high under both) and already-learnt ones. The file holds its own shape.
/// </summary>
public sealed class ReferenceModel : IDisposable
{
    private const string Magic = "EASYHARD-REFERENCE";
    /// <summary>2: fused ensemble heads (see <see cref="ProxyEnsemble"/>); 1 held one module per head.</summary>
    private const int Format = 2;

    private ReferenceModel(ProxyEnsemble ensemble) => Ensemble = ensemble;

    public int Dimension => Ensemble.Dimension;

    public int Classes => Ensemble.Classes;

    internal ProxyEnsemble Ensemble { get; }

    /// <summary>
    /// Trains a reference on <paramref name="samples"/> for <paramref name="epochs"/> shuffled passes with the scorer's
    /// proxy code and options (architecture, optimizer, learning rate, minibatch, seed).
    /// </summary>
    public static ReferenceModel Train(IReadOnlyList<TrainingSample> samples, int dimension, int classes, ScorerOptions options, int epochs, Action<int, float>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        var ensemble = new ProxyEnsemble(dimension, classes, options.Proxy.HiddenSizes, options.Proxy.EnsembleSize, Choices.Name(options.Proxy.Optimizer), options.Proxy.LearningRate, options.Proxy.Seed, CPU);
        var features = new float[samples.Count * dimension];
        var labels = new long[samples.Count];
        for (int i = 0; i < samples.Count; i++)
        {
            samples[i].Features.CopyTo(features, i * dimension);
            labels[i] = samples[i].Label;
        }

        var random = new Random(options.Proxy.Seed);
        var order = Enumerable.Range(0, samples.Count).ToArray();
        int size = options.Proxy.TrainMinibatchSize;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            double total = 0;
            int steps = 0;
            for (int start = 0; start < order.Length; start += size)
            {
                using var scope = NewDisposeScope();
                var idx = tensor(order.AsSpan(start, Math.Min(size, order.Length - start)).ToArray().Select(i => (long)i).ToArray());
                var x = tensor(features, [samples.Count, dimension]).index_select(0, idx);
                var y = tensor(labels).index_select(0, idx);
                total += ensemble.TrainStep(x, y, ones(ensemble.EnsembleSize, idx.shape[0]));
                steps++;
            }

            progress?.Invoke(epoch + 1, (float)(total / Math.Max(steps, 1)));
        }

        return new ReferenceModel(ensemble);
    }

    /// <summary>Loads a reference written by <see cref="Save"/> onto <paramref name="device"/>.</summary>
    public static ReferenceModel Load(string path, Device device)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        if (reader.ReadString() != Magic || reader.ReadInt32() != Format)
        {
            throw new InvalidOperationException($"{path} is not a format-{Format} EasyHard reference model (format 1 files predate the fused ensemble; train one again with easyhard train-reference).");
        }

        int dimension = reader.ReadInt32();
        int classes = reader.ReadInt32();
        int heads = reader.ReadInt32();
        var hidden = new int[reader.ReadInt32()];
        for (int i = 0; i < hidden.Length; i++)
        {
            hidden[i] = reader.ReadInt32();
        }

        var optimizer = reader.ReadString();
        var ensemble = new ProxyEnsemble(dimension, classes, hidden, heads, optimizer, 1e-3, 0, device);
        ensemble.Load(reader);
        return new ReferenceModel(ensemble);
    }

    public void Save(string path) => Persistence.CheckpointIo.WriteAtomically(path, writer =>
    {
        writer.Write(Magic);
        writer.Write(Format);
        writer.Write(Ensemble.Dimension);
        writer.Write(Ensemble.Classes);
        writer.Write(Ensemble.EnsembleSize);
        writer.Write(Ensemble.HiddenSizes.Length);
        foreach (var h in Ensemble.HiddenSizes)
        {
            writer.Write(h);
        }

        writer.Write(Ensemble.OptimizerName);
        Ensemble.Save(writer);
    });

    /// <summary>[B] reference loss −log p̄_ref,y (no gradient); the caller owns the dispose scope.</summary>
    public Tensor Loss(Tensor features, Tensor labels)
    {
        using var noGrad = no_grad();
        var (probabilities, _) = Ensemble.Forward(features);
        return -probabilities.mean([0]).gather(1, labels.unsqueeze(1)).squeeze(1).clamp_min(Scoring.Signals.MinProbability).log();
    }

    public void Dispose() => Ensemble.Dispose();
}
