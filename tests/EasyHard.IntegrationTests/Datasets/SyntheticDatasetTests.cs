using EasyHard.Evaluation.Datasets;

namespace EasyHard.IntegrationTests.Datasets;

public sealed class SyntheticDatasetTests
{
    [Fact]
    public void Generate_HasRequestedShapeAndBalancedClasses()
    {
        var data = SyntheticDataset.Generate(1000, dimension: 16, classes: 5, seed: 9);

        Assert.Equal(1000, data.Count);
        Assert.Equal(16, data.Dimension);
        Assert.Equal(16_000, data.Features.Length);
        Assert.All(data.Features, value => Assert.True(float.IsFinite(value)));
        Assert.All(Enumerable.Range(0, 5), c => Assert.Equal(200, data.Labels.Count(label => label == c)));
    }

    [Fact]
    public void Generate_SameSeed_IsDeterministic_DifferentSeed_Differs()
    {
        var a = SyntheticDataset.Generate(500, seed: 7);
        var b = SyntheticDataset.Generate(500, seed: 7);
        var c = SyntheticDataset.Generate(500, seed: 8);

        Assert.Equal(a.Features, b.Features);
        Assert.Equal(a.Labels, b.Labels);
        Assert.NotEqual(a.Features, c.Features);
    }

    [Fact]
    public void Generate_DefaultClusters_AreLearnableButNotTrivial()
    {
        var data = SyntheticDataset.Generate(20_000, seed: 1);
        var half = data.Count / 2;

        // Nearest class mean fitted on the first half, scored on the second.
        var means = new double[data.Classes, data.Dimension];
        var counts = new int[data.Classes];
        for (var i = 0; i < half; i++)
        {
            var row = data.Row(i).Span;
            counts[data.Labels[i]]++;
            for (var j = 0; j < data.Dimension; j++)
            {
                means[data.Labels[i], j] += row[j];
            }
        }

        var correct = 0;
        for (var i = half; i < data.Count; i++)
        {
            var row = data.Row(i).Span;
            var best = -1;
            var bestDistance = double.MaxValue;
            for (var c = 0; c < data.Classes; c++)
            {
                var distance = 0.0;
                for (var j = 0; j < data.Dimension; j++)
                {
                    var d = row[j] - (means[c, j] / counts[c]);
                    distance += d * d;
                }

                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = c;
                }
            }

            correct += best == data.Labels[i] ? 1 : 0;
        }

        var accuracy = correct / (double)(data.Count - half);
        Assert.InRange(accuracy, 0.75, 0.99);
    }

    [Fact]
    public void WithLabels_AttachesIdsNoiseAndTruth()
    {
        var data = SyntheticDataset.Generate(100, dimension: 4, classes: 3, seed: 2);
        var noisy = new NoiseInjector(NoiseSpec.Parse("pairflip:0.5"), 3, seed: 2).Apply(data.Labels);

        var samples = data.WithLabels(noisy, "syn");

        Assert.Equal("syn-000042", samples[42].Id);
        Assert.Equal(data.Row(42).ToArray(), samples[42].Features.ToArray());
        Assert.All(samples.Select((s, i) => (s, i)), p =>
        {
            Assert.Equal(noisy.Given[p.i], p.s.Label);
            Assert.Equal(data.Labels[p.i], p.s.TrueLabel);
            Assert.Equal(p.s.Label != p.s.TrueLabel, p.s.IsNoisy);
        });
    }
}
