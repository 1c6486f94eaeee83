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
}
