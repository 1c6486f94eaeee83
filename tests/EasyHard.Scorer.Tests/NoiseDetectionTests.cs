using EasyHard.Scorer.Scoring;

namespace EasyHard.Scorer.Tests;

public sealed class NoiseDetectionTests
{
    [Fact]
    public void Noise_FortyPercentSymmetricNoise_RanksFlippedLabelsWithAurocAbovePointNine()
    {
        const int warmup = 2000;
        var (samples, flipped) = TestData.Clusters(6000, 32, 10, 0.4, seed: 7);
        using var engine = new ScoringEngine(TestData.Options(TestData.TempCheckpoint(), warmup: warmup), 32, 10);

        var scored = engine.Score(samples);

        var noise = scored.Skip(warmup).Select(s => s.Scores.Noise).ToArray();
        var truth = flipped.Skip(warmup).ToArray();
        double auroc = TestData.Auroc(noise, truth);
        double meanNoise = noise.Average();
        Console.WriteLine($"loss AUROC {TestData.Auroc(scored.Skip(warmup).Select(s => s.Scores.Loss).ToArray(), truth):F4} margin AUROC {TestData.Auroc(scored.Skip(warmup).Select(s => -s.Scores.Margin).ToArray(), truth):F4}");
        Console.WriteLine($"estimates {engine.NoiseRateEstimates()}");
        Console.WriteLine($"noise AUROC {auroc:F4}, mean noise {meanNoise:F4}, true rate {truth.Average(t => t ? 1.0 : 0.0):F4}, proxy accuracy {engine.ProxyAccuracy:F4}");
        Assert.True(auroc > 0.9, $"AUROC {auroc}");
        // Calibrated to the mean of the confident joint's rate (0.41 here) and the loss mixtures' (0.08: on clusters this
        // separable the mixtures split the noisy samples' own tail), so the mean noise lands under the true 0.40.
        Assert.InRange(meanNoise, 0.2, 0.5);
        Assert.All(scored.Take(warmup), s => Assert.True(s.Warming));
        Assert.All(scored.Skip(warmup), s => Assert.False(s.Warming));
    }
}
