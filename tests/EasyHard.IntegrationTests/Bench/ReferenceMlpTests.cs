using EasyHard.Bench.Quality;
using EasyHard.Evaluation.Datasets;
using static TorchSharp.torch;

namespace EasyHard.IntegrationTests.Bench;

public sealed class ReferenceMlpTests
{
    private static readonly DenseDataset Data = SyntheticDataset.Generate(600, dimension: 16, classes: 4, seed: 5);

    [Fact]
    public void Train_SeparableClusters_ReachesHighAccuracy_AndProbabilitiesSumToOne()
    {
        using var features = tensor(Data.Features, [Data.Count, Data.Dimension]);
        using var labels = tensor(Data.Labels.Select(l => (long)l).ToArray());
        using var model = new ReferenceMlp(Data.Dimension, [32], Data.Classes, 1e-2, seed: 1);

        model.Train(features, labels, null, Enumerable.Range(0, Data.Count).ToArray(), epochs: 5, batchSize: 64, seed: 1);

        Assert.True(model.Accuracy(features, Data.Labels) > 0.9);
        var probabilities = model.PredictProbabilities(features, [3, 1, 4]);
        Assert.Equal(3 * Data.Classes, probabilities.Length);
        Assert.All(probabilities.Chunk(Data.Classes), row => Assert.Equal(1.0, row.Sum(), 4));
    }

    [Fact]
    public void Train_ZeroWeights_LeavesTheModelAsInitialised()
    {
        using var features = tensor(Data.Features, [Data.Count, Data.Dimension]);
        using var labels = tensor(Data.Labels.Select(l => (long)l).ToArray());
        using var zeros = tensor(new float[Data.Count]);
        using var untouched = new ReferenceMlp(Data.Dimension, [32], Data.Classes, 1e-2, seed: 3);
        using var trained = new ReferenceMlp(Data.Dimension, [32], Data.Classes, 1e-2, seed: 3);

        trained.Train(features, labels, zeros, Enumerable.Range(0, Data.Count).ToArray(), epochs: 2, batchSize: 64, seed: 3);

        Assert.Equal(untouched.PredictProbabilities(features), trained.PredictProbabilities(features));
    }

    [Fact]
    public void Train_SameSeed_SameModel()
    {
        using var features = tensor(Data.Features, [Data.Count, Data.Dimension]);
        using var labels = tensor(Data.Labels.Select(l => (long)l).ToArray());
        var rows = Enumerable.Range(0, 300).ToArray();
        using var first = new ReferenceMlp(Data.Dimension, [32], Data.Classes, 1e-2, seed: 9);
        using var second = new ReferenceMlp(Data.Dimension, [32], Data.Classes, 1e-2, seed: 9);

        first.Train(features, labels, null, rows, epochs: 2, batchSize: 32, seed: 9);
        second.Train(features, labels, null, rows, epochs: 2, batchSize: 32, seed: 9);

        Assert.Equal(first.PredictProbabilities(features), second.PredictProbabilities(features));
    }

    [Fact]
    public void Train_CorrectionUnderTheSameLabel_TrainsAsTheSummedWeight_AndUnderAnotherLabelMovesTowardIt()
    {
        using var features = tensor(Data.Features, [Data.Count, Data.Dimension]);
        using var labels = tensor(Data.Labels.Select(l => (long)l).ToArray());
        var rows = Enumerable.Range(0, Data.Count).ToArray();
        var w = Enumerable.Range(0, Data.Count).Select(i => 0.25f + (i % 3 * 0.25f)).ToArray();
        var c = Enumerable.Range(0, Data.Count).Select(i => i % 2 * 0.5f).ToArray();
        using var weights = tensor(w);
        using var corrections = tensor(c);
        using var summed = tensor(w.Zip(c, (a, b) => a + b).ToArray());

        // w · CE(y) + c · CE(y) = (w + c) · CE(y): the same steps, the same model (to float rounding).
        using var corrected = new ReferenceMlp(Data.Dimension, [32], Data.Classes, 1e-2, seed: 4);
        using var weighted = new ReferenceMlp(Data.Dimension, [32], Data.Classes, 1e-2, seed: 4);
        corrected.Train(features, labels, weights, rows, epochs: 2, batchSize: 64, seed: 4, correction: (labels, corrections));
        weighted.Train(features, labels, summed, rows, epochs: 2, batchSize: 64, seed: 4);
        var a = corrected.PredictProbabilities(features);
        var b = weighted.PredictProbabilities(features);
        Assert.All(a.Zip(b), p => Assert.Equal(p.Second, p.First, 1e-4));

        // The given labels at weight 0 and another class (y + 1) as the correction: the model learns the correction.
        using var zeros = tensor(new float[Data.Count]);
        using var ones = tensor(Enumerable.Repeat(1f, Data.Count).ToArray());
        var shifted = Data.Labels.Select(l => (l + 1) % Data.Classes).ToArray();
        using var shiftedLabels = tensor(shifted.Select(l => (long)l).ToArray());
        using var relabelled = new ReferenceMlp(Data.Dimension, [32], Data.Classes, 1e-2, seed: 4);
        relabelled.Train(features, labels, zeros, rows, epochs: 5, batchSize: 64, seed: 4, correction: (shiftedLabels, ones));
        Assert.True(relabelled.Accuracy(features, shifted) > 0.9);
    }
}
