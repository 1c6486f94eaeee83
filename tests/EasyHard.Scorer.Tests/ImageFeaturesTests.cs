using EasyHard.Core.Configuration;
using EasyHard.Scorer.Proxy;
using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

public sealed class ImageFeaturesTests
{
    private static readonly ImageShape Square8 = new(1, 8, 8);

    [Fact]
    public void Lift_KeepsTheImage_ThenAppendsEveryFiltersPooledResponses()
    {
        using var features = new ImageFeatures(Square8, filterCount: 3, pooling: 4, seed: 0);
        var images = Enumerable.Range(0, 2 * 64).Select(i => (float)((i * 37 % 64) / 64.0)).ToArray();

        var lifted = features.Lift(images, 2);

        Assert.Equal(64, features.InputDimension);
        Assert.Equal(64 + (3 * 2 * 2), features.Dimension);
        Assert.Equal(2 * features.Dimension, lifted.Count);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(images.AsSpan(i * 64, 64).ToArray(), lifted.AsSpan(i * features.Dimension, 64).ToArray());
            var responses = lifted.AsSpan((i * features.Dimension) + 64, 12).ToArray();
            Assert.All(responses, r => Assert.True(r >= 0 && float.IsFinite(r)));
            Assert.Contains(responses, r => r > 0);
        }
    }

    [Fact]
    public void FlatImage_RespondsWithNothing_BecauseTheFiltersAreZeroMean()
    {
        using var features = new ImageFeatures(Square8, filterCount: 4, pooling: 2, seed: 1);
        var flat = Enumerable.Repeat(0.5f, 64).ToArray();

        var lifted = features.Lift(flat, 1);

        // Padding makes the border see zeros, so only the cells that see the image alone are exactly flat.
        var responses = lifted.AsSpan(64).ToArray();
        Assert.Equal(4 * 4 * 4, responses.Length);
        for (int f = 0; f < 4; f++)
        {
            Assert.Equal(0f, responses[(f * 16) + 5], 5); // cell (1, 1): pixels 2..3, their 5×5 windows inside the image
        }
    }

    [Fact]
    public void Lift_IsAPureFunctionOfTheSeed_AndAnotherSeedGivesOtherFilters()
    {
        var images = Enumerable.Range(0, 64).Select(i => (float)Math.Abs(Math.Sin(i))).ToArray();
        using var a = new ImageFeatures(Square8, 5, 4, seed: 7);
        using var b = new ImageFeatures(Square8, 5, 4, seed: 7);
        using var c = new ImageFeatures(Square8, 5, 4, seed: 8);

        var fromA = a.Lift(images, 1).ToArray();

        Assert.Equal(fromA, b.Lift(images, 1).ToArray());
        Assert.NotEqual(fromA, c.Lift(images, 1).ToArray());
    }

    [Fact]
    public void Engine_WithAnImageShape_TrainsOnTheLiftedFeatures_WithoutOneRestoresTheOtherShape_AndAMismatchedShapeIsRefused()
    {
        var (samples, _) = TestData.Clusters(256, 64, 4, 0.2, seed: 41);
        var checkpoint = TestData.TempCheckpoint();
        var options = TestData.Options(checkpoint);
        options.Proxy.ImageFilters = 2;
        options.Proxy.ImagePooling = 4;
        using (var engine = new ScoringEngine(options, 64, 4, image: Square8))
        {
            Assert.Equal(64, engine.Dimension);
            Assert.Equal(64 + (2 * 4), engine.ModelDimension);
            Assert.Equal(64 + 8, engine.Ensemble.Weights[0].shape[1]); // fused [E, in, out]: the first layer takes the lifted features
            var scored = engine.Score(samples);
            Assert.All(scored, s => Assert.True(float.IsFinite(s.Weight) && float.IsFinite(s.Scores.Noise)));
            Assert.Equal(4 * 4, engine.PredictMeanProbabilities(samples.Take(4).ToList()).Length);
            engine.SaveCheckpoint();
        }

        // Without the image shape the proxy takes raw features: the checkpoint of the lifted proxy is another shape.
        Assert.Throws<InvalidOperationException>(() => new ScoringEngine(options, 64, 4).Dispose());
        using (var restored = new ScoringEngine(options, 64, 4, image: Square8))
        {
            Assert.True(restored.ModelVersion > 0);
        }

        options.CheckpointPath = TestData.TempCheckpoint();
        Assert.Throws<ArgumentException>(() => new ScoringEngine(options, 63, 4, image: Square8).Dispose());
        options.Proxy.ImageFilters = 0;
        using var off = new ScoringEngine(options, 64, 4, image: Square8);
        Assert.Equal(64, off.ModelDimension);
    }
}
