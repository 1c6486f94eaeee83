using EasyHard.Contracts.V1;

namespace EasyHard.Scorer.Tests;

/// <summary>Seeded Gaussian-cluster classification data with optional symmetric label noise.</summary>
internal static class TestData
{
    public static (List<CanonicalSample> Samples, bool[] Flipped) Clusters(int count, int dimension, int classes, double noiseRate, int seed, double separation = 0.6, bool pairFlip = false)
    {
        var random = new Random(seed);
        var centers = new double[classes, dimension];
        for (int c = 0; c < classes; c++)
        {
            for (int d = 0; d < dimension; d++)
            {
                centers[c, d] = Gaussian(random) * separation;
            }
        }

        var samples = new List<CanonicalSample>(count);
        var flipped = new bool[count];
        for (int i = 0; i < count; i++)
        {
            int truth = random.Next(classes);
            var sample = new TrainingSample { Id = $"s-{i}", Label = truth };
            for (int d = 0; d < dimension; d++)
            {
                sample.Features.Add((float)(centers[truth, d] + Gaussian(random) * 0.5));
            }

            if (random.NextDouble() < noiseRate)
            {
                // Symmetric noise: a uniformly drawn wrong class; pair flip: always the next class.
                sample.Label = pairFlip ? (truth + 1) % classes : (truth + 1 + random.Next(classes - 1)) % classes;
                flipped[i] = true;
            }

            samples.Add(new CanonicalSample { Sample = sample });
        }

        return (samples, flipped);
    }

    public static ScorerOptions Options(string checkpointPath, int batchSize = 64, int warmup = 0) => new()
    {
        Device = ComputeDevice.Cpu,
        Proxy = { HiddenSizes = [32], EnsembleSize = 3, LearningRate = 3e-3 },
        Statistics = { WarmupSamples = warmup },
        Weighting = { LossPolicyBurnInSamples = 0 },
        CheckpointPath = checkpointPath,
        CheckpointIntervalSeconds = 0,
        Batching = new() { MaxBatchSize = batchSize, MaxBatchDelayMs = 50 },
    };

    public static string TempCheckpoint() => Path.Combine(Path.GetTempPath(), "easyhard-scorer-tests", Guid.NewGuid().ToString("N"), "scorer.ckpt");

    /// <summary>Area under the ROC curve by the rank-sum (Mann–Whitney) formula, ties counted half.</summary>
    public static double Auroc(IReadOnlyList<float> scores, IReadOnlyList<bool> positive)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        int positives = 0;
        for (int k = 0; k < order.Length;)
        {
            int end = k;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[k]])
            {
                end++;
            }

            double rank = ((k + end) / 2.0) + 1;
            for (int j = k; j <= end; j++)
            {
                if (positive[order[j]])
                {
                    rankSum += rank;
                    positives++;
                }
            }

            k = end + 1;
        }

        int negatives = scores.Count - positives;
        return (rankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>Clears the gradients of every fused parameter, so the next backward pass holds one loss's gradient.</summary>
    public static void ZeroGrad(Proxy.ProxyEnsemble ensemble)
    {
        foreach (var parameter in ensemble.Weights.Concat(ensemble.Biases))
        {
            parameter.grad?.zero_();
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
