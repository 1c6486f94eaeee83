using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Bench.Quality;

/// <summary>
/// The offline model of the benchmark: a fresh ReLU MLP with the proxy heads' architecture (dimension → hidden… →
/// classes) and Adam, trained for a fixed number of epochs in shuffled minibatches, optionally with per-sample loss
/// weights. Used for the cross-validated reference probabilities and for the downstream accuracy runs. CPU,
/// deterministic for a seed: parameters come from <c>manual_seed</c>, the epoch order from a seeded shuffle.
/// </summary>
public sealed class ReferenceMlp : IDisposable
{
    private const int PredictBatchSize = 2048;

    private readonly nn.Module<Tensor, Tensor> model;
    private readonly optim.Optimizer optimizer;
    private readonly int classes;

    public ReferenceMlp(int dimension, IReadOnlyList<int> hiddenSizes, int classes, double learningRate, int seed)
    {
        ArgumentNullException.ThrowIfNull(hiddenSizes);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        this.classes = classes;
        torch.random.manual_seed(seed);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var input = dimension;
        for (var i = 0; i < hiddenSizes.Count; i++)
        {
            layers.Add(($"linear{i}", nn.Linear(input, hiddenSizes[i])));
            layers.Add(($"relu{i}", nn.ReLU()));
            input = hiddenSizes[i];
        }

        layers.Add(("output", nn.Linear(input, classes)));
        model = nn.Sequential(layers);
        optimizer = new Scorer.Proxy.Optimizers.Adam(model.parameters(), learningRate);
    }

    /// <summary>
    /// Trains on <paramref name="rows"/> of the data for <paramref name="epochs"/> epochs. With
    /// <paramref name="weights"/>, each sample's cross-entropy is multiplied by its weight before the batch mean
    /// (a weight of 0 removes the sample from the gradient).
    /// </summary>
    /// <param name="features">[N, D] float32.</param>
    /// <param name="labels">[N] int64 training labels.</param>
    /// <param name="weights">[N] float32 per-sample loss weights, or null for 1.</param>
    /// <param name="correction">
    /// A second label per sample and its weight: each sample's loss adds weight × cross-entropy under that label (a
    /// trainer that keeps the weighted given label and adds the suggested one where it differs).
    /// </param>
    public void Train(Tensor features, Tensor labels, Tensor? weights, IReadOnlyList<int> rows, int epochs, int batchSize, int seed, (Tensor Labels, Tensor Weights)? correction = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var order = rows.Select(r => (long)r).ToArray();
        var random = new Random(seed);
        model.train();
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            for (var start = 0; start < order.Length; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var index = tensor(order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray());
                var logits = model.forward(features.index_select(0, index));
                var loss = nn.functional.cross_entropy(logits, labels.index_select(0, index), reduction: nn.Reduction.None);
                if (weights is not null)
                {
                    loss = loss * weights.index_select(0, index);
                }

                if (correction is { } c)
                {
                    loss = loss + (c.Weights.index_select(0, index)
                        * nn.functional.cross_entropy(logits, c.Labels.index_select(0, index), reduction: nn.Reduction.None));
                }

                optimizer.zero_grad();
                loss.mean().backward();
                optimizer.step();
            }
        }

        model.eval();
    }

    /// <summary>Softmax probabilities of the given rows (all rows when null), row-major [rows × classes].</summary>
    public float[] PredictProbabilities(Tensor features, IReadOnlyList<int>? rows = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        var count = rows?.Count ?? (int)features.shape[0];
        var probabilities = new float[(long)count * classes];
        using var noGrad = no_grad();
        for (var start = 0; start < count; start += PredictBatchSize)
        {
            using var scope = NewDisposeScope();
            var length = Math.Min(PredictBatchSize, count - start);
            var batch = rows is null
                ? features.narrow(0, start, length)
                : features.index_select(0, tensor(Enumerable.Range(start, length).Select(i => (long)rows[i]).ToArray()));
            var p = nn.functional.softmax(model.forward(batch), 1);
            Array.Copy(p.data<float>().ToArray(), 0, probabilities, (long)start * classes, (long)length * classes);
        }

        return probabilities;
    }

    /// <summary>Fraction of rows whose arg-max prediction equals <paramref name="labels"/>.</summary>
    public double Accuracy(Tensor features, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var probabilities = PredictProbabilities(features);
        var correct = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var row = probabilities.AsSpan(i * classes, classes);
            var argmax = 0;
            for (var k = 1; k < classes; k++)
            {
                argmax = row[k] > row[argmax] ? k : argmax;
            }

            correct += argmax == labels[i] ? 1 : 0;
        }

        return labels.Count == 0 ? double.NaN : correct / (double)labels.Count;
    }

    public void Dispose()
    {
        optimizer.Dispose();
        model.Dispose();
    }
}
