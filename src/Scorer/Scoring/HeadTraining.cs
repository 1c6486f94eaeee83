using EasyHard.Scorer.Proxy;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// The training of a scored batch: each head on its own bootstrap view of the batch, in minibatches of
/// <c>Scorer:Proxy:TrainMinibatchSize</c>, one range of heads per thread.
/// </summary>
internal sealed class HeadTraining(ProxyEnsemble ensemble, ScorerOptions options)
{
    /// <summary>Training steps a batch of <paramref name="trainable"/> rows takes: one per minibatch, taken or skipped.</summary>
    public int Steps(int trainable) => (trainable + options.Proxy.TrainMinibatchSize - 1) / options.Proxy.TrainMinibatchSize;

    /// <summary>
    /// [E, B] per-sample weights of each head's bootstrap view: Poisson(λ) counts (online bagging, Oza &amp; Russell
    /// 2001), seeded from (seed, model version, head) so a restored engine draws the same views; 0 where
    /// cross-fitting keeps head e off the sample's fold (<paramref name="sampleFolds"/>).
    /// </summary>
    public float[] BootstrapWeights(int n, long modelVersion, FoldAssignment folds, ReadOnlySpan<int> sampleFolds)
    {
        var weights = PoissonWeights(n, modelVersion);
        if (folds.Enabled)
        {
            for (int e = 0; e < ensemble.EnsembleSize; e++)
            {
                for (int i = 0; i < n; i++)
                {
                    weights[(e * n) + i] = folds.Trains(e, sampleFolds[i]) ? weights[(e * n) + i] : 0f;
                }
            }
        }

        return weights;
    }

    private float[] PoissonWeights(int n, long modelVersion)
    {
        int heads = ensemble.EnsembleSize;
        var weights = new float[heads * n];
        double rate = options.Proxy.BootstrapRate;
        if (rate <= 0 || heads == 1)
        {
            Array.Fill(weights, 1f);
        }
        else
        {
            var random = new Random(unchecked((options.Proxy.Seed * 7919) + ((int)modelVersion * 31) + 17));
            double limit = Math.Exp(-rate);
            for (int k = 0; k < weights.Length; k++)
            {
                // Knuth's Poisson sampler: fine for λ of order 1.
                int count = -1;
                double product = 1;
                do
                {
                    count++;
                    product *= random.NextDouble();
                }
                while (product > limit);
                weights[k] = count;
            }
        }

        return weights;
    }

    /// <summary>
    /// Training steps of heads <paramref name="heads"/> on minibatches of <c>Scorer:Proxy:TrainMinibatchSize</c>, each with
    /// its own forward pass under the parameters the previous step left; head e weighs sample i by
    /// <paramref name="bootstrap"/>[e·n + i]. <paramref name="x"/> holds the trainable rows: all of the batch, or the
    /// <paramref name="rows"/> whose outputs were finite. Returns the number of steps skipped for a non-finite loss.
    /// </summary>
    /// <remarks>Without a <paramref name="scoringPass"/> (replayed samples) every minibatch takes its own forward pass.</remarks>
    public int TrainInMinibatches(HeadRange heads, ForwardPass? scoringPass, Tensor x, long[] labels, float[] bootstrap, int[]? rows)
    {
        int n = labels.Length, trainable = rows?.Length ?? n;
        int size = options.Proxy.TrainMinibatchSize, skipped = 0;
        for (int offset = 0; offset < trainable; offset += size)
        {
            var length = Math.Min(size, trainable - offset);
            var minibatchLabels = new long[length];
            var minibatchWeights = new float[heads.Count * length];
            for (int k = 0; k < length; k++)
            {
                int i = rows?[offset + k] ?? offset + k;
                minibatchLabels[k] = labels[i];
                for (int e = 0; e < heads.Count; e++)
                {
                    minibatchWeights[(e * length) + k] = bootstrap[((heads.Start + e) * n) + i];
                }
            }

            // The first minibatch meets the parameters that scored the batch: its rows of the scoring pass are its
            // forward pass (all of it when one minibatch covers the batch). The later ones follow a step and need their own.
            var minibatchPass = offset == 0 && rows is null && scoringPass is not null ? scoringPass.Rows(0, length) : ensemble.Pass(x.narrow(0, offset, length), heads);
            var value = ensemble.TrainOn(minibatchPass, minibatchLabels, minibatchWeights, heads);
            skipped += float.IsFinite(value) ? 0 : 1;
        }

        return skipped;
    }
}
