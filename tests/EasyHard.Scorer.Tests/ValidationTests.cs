using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

public sealed class ValidationTests
{
    [Theory]
    [InlineData(0, float.NaN)]
    [InlineData(37, float.PositiveInfinity)]
    [InlineData(1022, float.NegativeInfinity)]
    [InlineData(1023, float.NaN)]
    public void FirstNonFinite_FindsTheFirstOneInVectorsAndRemainder(int at, float value)
    {
        var values = Enumerable.Range(0, 1024 - 1).Select(i => (float)Math.Sin(i) * 1e30f).ToArray();
        Assert.Equal(-1, ScoringEngine.FirstNonFinite(values));
        Array.Resize(ref values, 1024);
        values[at] = value;
        if (at < 1023)
        {
            values[1023] = float.NaN;
        }

        Assert.Equal(at, ScoringEngine.FirstNonFinite(values));
    }

    [Fact]
    public void Score_NonFiniteFeatureInALaterBatch_ThrowsBeforeAnyBatchIsScored()
    {
        var (samples, _) = TestData.Clusters(100, 8, 3, 0, seed: 4);
        samples[90].Sample.Features[5] = float.NaN;
        using var engine = new ScoringEngine(TestData.Options(TestData.TempCheckpoint(), batchSize: 32), 8, 3);

        var error = Assert.Throws<ArgumentException>(() => engine.Score(samples));

        Assert.StartsWith("Sample 90 cannot be scored: non_finite_feature.", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, engine.SamplesSeen);
        Assert.Equal(0, engine.ModelVersion);
        Assert.Equal("non_finite_feature", engine.Validate(samples[90].Sample));
        Assert.Null(engine.Validate(samples[89].Sample));
    }
}
