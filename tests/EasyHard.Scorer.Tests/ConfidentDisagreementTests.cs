using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

public sealed class ConfidentDisagreementTests
{
    private const int Classes = 4;

    [Fact]
    public void Rate_CountsOnlyTheMostConfidentPredictionsOfEachClass()
    {
        // Half of every class's predictions are unsure (top probability 0.3-0.5) and always disagree with their label,
        // as a weak proxy's errors do; the other half are sure (0.8-1.0) and disagree at 20 %, as label noise does.
        var estimate = new ConfidentDisagreement(Classes, window: 400, decay: 0.999, quantile: 0.6);
        var random = new Random(3);
        for (int batch = 0; batch < 40; batch++)
        {
            var (labels, predicted, confidence) = Batch(random, 64, (rng, k) =>
                rng.NextDouble() < 0.5
                    ? (0.3f + (0.2f * (float)rng.NextDouble()), (k + 1) % Classes)
                    : (0.8f + (0.2f * (float)rng.NextDouble()), rng.NextDouble() < 0.2 ? (k + 2) % Classes : k));
            estimate.Update(labels, predicted, confidence, Enumerable.Repeat(true, labels.Length).ToArray());
        }

        Assert.True(estimate.Ready);
        Assert.InRange(estimate.Rate, 0.17, 0.23);
    }

    [Fact]
    public void Update_CountsNothingUntilAClassHasEnoughPredictions_AndSkipsExcludedSamples()
    {
        var estimate = new ConfidentDisagreement(Classes, window: 64, decay: 1.0, quantile: 0.5);
        int[] labels = [.. Enumerable.Repeat(1, ClassStatistics.MinSamplesToFit - 1)];
        long[] predicted = [.. Enumerable.Repeat(0L, labels.Length)];
        float[] confidence = [.. Enumerable.Range(0, labels.Length).Select(i => 0.5f + (i * 0.01f))];
        estimate.Update(labels, predicted, confidence, Enumerable.Repeat(true, labels.Length).ToArray());
        Assert.Equal(0, estimate.Tallies[1]);
        Assert.Equal(0, estimate.Rate);
        Assert.False(estimate.Ready);

        // Enough in class 0's ring now; the excluded sample is neither counted nor added to the ring.
        estimate.Update([1, 0], [0, 0], [0.99f, 0.99f], [true, false]);
        estimate.Update([1, 0, 0], [0, 0, 0], [0.999f, 0.999f, 0.01f], [true, true, true]);
        Assert.Equal(ClassStatistics.MinSamplesToFit + 3, estimate.Count[0]);
        Assert.Equal(2, estimate.Tallies[1]);
        Assert.Equal(1, estimate.Tallies[0]);
        Assert.Equal(0.5, estimate.Rate);
    }

    [Fact]
    public void Rate_OfALabelFreeOfNoise_IsNearZero_WhateverTheUnsureSamplesDo()
    {
        var estimate = new ConfidentDisagreement(Classes, window: 256, decay: 0.998, quantile: 0.9);
        var random = new Random(5);
        for (int batch = 0; batch < 60; batch++)
        {
            // 30 % of the predictions are wrong, all of them unsure; the sure ones are right.
            var (labels, predicted, confidence) = Batch(random, 64, (rng, k) =>
                rng.NextDouble() < 0.3 ? (0.2f + (0.5f * (float)rng.NextDouble()), (k + 3) % Classes) : (0.3f + (0.7f * (float)rng.NextDouble()), k));
            estimate.Update(labels, predicted, confidence, Enumerable.Repeat(true, labels.Length).ToArray());
        }

        Assert.True(estimate.Ready);
        Assert.InRange(estimate.Rate, 0.0, 0.02);
    }

    [Fact]
    public void Statistics_CalibrateToTheDisagreementOnceReady_WeightedByItsShare()
    {
        // Three statistics fed the same batches: the disagreement alone, the joint and mixtures alone, half of each.
        var alone = new ClassStatistics(Classes, 256, 0.999, jointRateShare: 0.5, confidentRateShare: 1.0);
        var without = new ClassStatistics(Classes, 256, 0.999, jointRateShare: 0.5, confidentRateShare: 0.0);
        var half = new ClassStatistics(Classes, 256, 0.999, jointRateShare: 0.5, confidentRateShare: 0.5);
        Assert.Equal(without.EstimatedNoiseRate(), alone.EstimatedNoiseRate(), 12); // not ready: the joint's prior
        var random = new Random(7);
        for (int batch = 0; batch < 60; batch++)
        {
            var (labels, predicted, confidence) = Batch(random, 64, (rng, k) =>
                (0.5f + (0.5f * (float)rng.NextDouble()), rng.NextDouble() < 0.3 ? (k + 1) % Classes : k));
            var zeros = new float[labels.Length];
            var logOdds = labels.Select((_, i) => predicted[i] == labels[i] ? -2f : 2f).ToArray();
            foreach (var statistics in new[] { alone, without, half })
            {
                statistics.Update(new BatchView(labels, zeros, zeros, logOdds, zeros, [.. predicted], predicted, confidence,
                    Enumerable.Repeat(true, labels.Length).ToArray()));
            }
        }

        Assert.True(alone.Disagreement.Ready);
        Assert.Equal(alone.Disagreement.Rate, alone.EstimatedNoiseRate(), 12);
        Assert.InRange(alone.EstimatedNoiseRate(), 0.25, 0.35);
        Assert.Equal((0.5 * half.Disagreement.Rate) + (0.5 * without.EstimatedNoiseRate()), half.EstimatedNoiseRate(), 12);
        var estimates = half.NoiseRateEstimates();
        Assert.Equal(half.Disagreement.Rate, estimates.Disagreement, 12);
        Assert.Equal(half.EstimatedNoiseRate(), estimates.Calibrated, 12);
    }

    /// <summary>A batch whose true class is drawn uniformly; <paramref name="draw"/> gives a sample of true class k its top probability and predicted class.</summary>
    private static (int[] Labels, long[] Predicted, float[] Confidence) Batch(Random random, int n, Func<Random, int, (float Confidence, int Predicted)> draw)
    {
        var (labels, predicted, confidence) = (new int[n], new long[n], new float[n]);
        for (int i = 0; i < n; i++)
        {
            labels[i] = random.Next(Classes);
            (confidence[i], int k) = draw(random, labels[i]);
            predicted[i] = k;
        }

        return (labels, predicted, confidence);
    }
}
