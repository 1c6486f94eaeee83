using TorchSharp;
using static TorchSharp.torch;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Running per-class state behind <c>noise</c> and <c>bucket</c>: confident-learning thresholds, a window of
/// recent losses per class, the two-component loss mixture fitted on that window, and the per-class noise rate.
/// Host arrays hold the state (small: O(C·W)); every per-sample formula runs as a batched tensor expression.
/// </summary>
internal sealed class ClassStatistics
{
    /// <summary>Samples a class needs in its window before its mixture is fitted and its buckets are cut.</summary>
    public const int MinSamplesToFit = 32;

    /// <summary>EM iterations per batch; warm-started from the previous fit, so a few suffice.</summary>
    private const int EmIterations = 8;

    /// <summary>Floor on component variances (loss units²), so a tight clean cluster cannot collapse to a spike.</summary>
    private const double VarianceFloor = 1e-3;

    /// <summary>
    /// Weight of the confident-learning evidence in the noise log-odds: at evidence ±1 the mixture's odds are
    /// multiplied or divided by e^1.5 ≈ 4.5.
    /// </summary>
    private const double ConfidentLearningWeight = 1.5;

    private const double NoiseRateSmoothing = 0.01;

    private readonly double thresholdDecay;

    public ClassStatistics(int classes, int window, double thresholdDecay)
    {
        Classes = classes;
        Window = window;
        this.thresholdDecay = thresholdDecay;
        ConfidenceSum = new double[classes];
        ConfidenceWeight = new double[classes];
        Losses = new float[classes * window];
        Count = new int[classes];
        Next = new int[classes];
        Mu0 = new double[classes];
        Var0 = new double[classes];
        Mu1 = new double[classes];
        Var1 = new double[classes];
        Pi1 = new double[classes];
        Fitted = new bool[classes];
        NoiseRate = new double[classes];
    }

    public int Classes { get; }

    public int Window { get; }

    internal double[] ConfidenceSum { get; }

    internal double[] ConfidenceWeight { get; }

    internal float[] Losses { get; }

    internal int[] Count { get; }

    internal int[] Next { get; }

    internal double[] Mu0 { get; }

    internal double[] Var0 { get; }

    internal double[] Mu1 { get; }

    internal double[] Var1 { get; }

    internal double[] Pi1 { get; }

    internal bool[] Fitted { get; }

    internal double[] NoiseRate { get; }

    /// <summary>t_j = running mean of p̄_j over samples labelled j (Northcutt et al. 2021); 1/C before any.</summary>
    public double Threshold(int c) => ConfidenceWeight[c] > 0 ? ConfidenceSum[c] / ConfidenceWeight[c] : 1.0 / Classes;

    /// <summary>
    /// noise = σ(logit(P_mix(noisy | loss, y)) + λ·s). P_mix is the posterior of the high-loss component of the
    /// class's two-component Gaussian mixture on loss (DivideMix, Li et al. 2020). s ∈ [−1, 1] is continuous
    /// confident-learning evidence (Northcutt et al. 2021): max_{k≠y} p̄_k / t_k − p̄_y / t_y, positive when some
    /// other class clears its threshold by more than the given class does (the CL "suspect" condition
    /// p̄_y &lt; t_y, p̄_k ≥ t_k gives s &gt; 0). A class without a fitted mixture contributes even odds.
    /// </summary>
    public Tensor Noise(SignalBatch signals, Tensor labels)
    {
        var device = labels.device;
        var thresholds = tensor(Enumerable.Range(0, Classes).Select(c => (float)Math.Max(Threshold(c), 1e-6)).ToArray(), device: device);
        var ratio = signals.MeanProbabilities / thresholds.unsqueeze(0);
        var givenRatio = ratio.gather(1, labels.unsqueeze(1)).squeeze(1);
        var otherRatio = ratio.masked_fill(signals.OneHot.to_type(ScalarType.Bool), double.NegativeInfinity).max(1).values;
        var evidence = (otherRatio - givenRatio).clamp(-1.0, 1.0);

        var mixtureLogOdds = MixtureLogOdds(signals.Loss, labels);
        return (mixtureLogOdds + ConfidentLearningWeight * evidence).sigmoid();
    }

    /// <summary>[B] bucket per sample: 1 easy (loss in the class's bottom 30 %), 3 hard (top 30 %), else 2.</summary>
    public Tensor Buckets(Tensor loss, Tensor labels)
    {
        var device = labels.device;
        var window = tensor(Losses, [Classes, Window], device: device);
        var counts = tensor(Count, device: device).to_type(ScalarType.Int64);
        var valid = arange(Window, device: device).unsqueeze(0) < counts.unsqueeze(1);
        var sorted = window.masked_fill(valid.logical_not(), double.PositiveInfinity).sort(1).Values;
        var last = (counts - 1).clamp_min(0).to_type(ScalarType.Float32);
        var q30 = sorted.gather(1, (last * 0.3f).floor().to_type(ScalarType.Int64).unsqueeze(1)).squeeze(1);
        var q70 = sorted.gather(1, (last * 0.7f).ceil().to_type(ScalarType.Int64).unsqueeze(1)).squeeze(1);
        var ready = (counts >= MinSamplesToFit).gather(0, labels);
        var lower = q30.gather(0, labels);
        var upper = q70.gather(0, labels);
        var bucket = full_like(labels, 2);
        bucket = where(ready.logical_and(loss <= lower), full_like(labels, 1), bucket);
        return where(ready.logical_and(loss >= upper), full_like(labels, 3), bucket);
    }

    /// <summary>Folds a scored batch into the thresholds, windows and noise rates, then refits the mixtures.</summary>
    public void Update(ReadOnlySpan<float> loss, ReadOnlySpan<float> selfConfidence, ReadOnlySpan<int> labels, ReadOnlySpan<float> noise, Device device)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            int c = labels[i];
            ConfidenceSum[c] = (ConfidenceSum[c] * thresholdDecay) + selfConfidence[i];
            ConfidenceWeight[c] = (ConfidenceWeight[c] * thresholdDecay) + 1.0;
            Losses[(c * Window) + Next[c]] = loss[i];
            Next[c] = (Next[c] + 1) % Window;
            Count[c] = Math.Min(Count[c] + 1, Window);
            NoiseRate[c] += NoiseRateSmoothing * (noise[i] - NoiseRate[c]);
        }

        RefitMixtures(device);
    }

    private Tensor MixtureLogOdds(Tensor loss, Tensor labels)
    {
        var device = labels.device;
        Tensor Gather(double[] values) => tensor(values, device: device).to_type(loss.dtype).gather(0, labels);
        var mu0 = Gather(Mu0);
        var var0 = Gather(Var0).clamp_min(VarianceFloor);
        var mu1 = Gather(Mu1);
        var var1 = Gather(Var1).clamp_min(VarianceFloor);
        var pi1 = Gather(Pi1).clamp(1e-3, 1 - 1e-3);
        // The posterior is evaluated with the components' pooled variance: with unequal variances the Gaussian
        // log-odds is quadratic in the loss and turns back down in the tails (a tiny loss would look "noisy"
        // under a very narrow clean component). With a shared variance it is linear in the loss, so within a
        // class the noise score ranks samples exactly as their loss does, and the fitted means, weights and
        // spread still set its calibration.
        var pooled = ((1 - pi1) * var0) + (pi1 * var1);
        var logOdds = (pi1.log() - (1 - pi1).log())
            + ((mu1 - mu0) / pooled * (loss - ((mu0 + mu1) / 2)));
        var fitted = tensor(Fitted, device: device).gather(0, labels);
        return where(fitted, logOdds.clamp(-30, 30), zeros_like(logOdds));
    }

    private static Tensor LogNormal(Tensor x, Tensor mu, Tensor variance) =>
        (-0.5 * (x - mu).pow(2) / variance) - (0.5 * variance.log());

    /// <summary>
    /// A few EM iterations of a two-component 1-D Gaussian mixture per class, all classes at once on [C, W]
    /// (DivideMix fits the same model to per-sample losses, Li et al. 2020). Component 1 is kept as the
    /// higher-mean (noisy) one. Warm-started from the previous fit; a new class starts from mean ± std.
    /// </summary>
    private void RefitMixtures(Device device)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(Losses, [Classes, Window], device: device).to_type(ScalarType.Float64);
        var counts = tensor(Count, device: device).to_type(ScalarType.Float64);
        var mask = (arange(Window, device: device).unsqueeze(0) < counts.unsqueeze(1)).to_type(ScalarType.Float64);
        var n = counts.clamp_min(1).unsqueeze(1);
        var mean = (x * mask).sum([1], keepdim: true) / n;
        var variance = ((x - mean).pow(2) * mask).sum([1], keepdim: true) / n;
        var std = variance.clamp_min(VarianceFloor).sqrt();

        var fitted = tensor(Fitted, device: device).unsqueeze(1);
        var mu0 = where(fitted, tensor(Mu0, device: device).unsqueeze(1), mean - (0.5 * std));
        var mu1 = where(fitted, tensor(Mu1, device: device).unsqueeze(1), mean + std);
        var var0 = where(fitted, tensor(Var0, device: device).unsqueeze(1), variance).clamp_min(VarianceFloor);
        var var1 = where(fitted, tensor(Var1, device: device).unsqueeze(1), variance).clamp_min(VarianceFloor);
        var pi1 = where(fitted, tensor(Pi1, device: device).unsqueeze(1), full_like(mean, 0.3));

        for (int iteration = 0; iteration < EmIterations; iteration++)
        {
            var logOdds = (pi1.log() - (1 - pi1).log()) + LogNormal(x, mu1, var1) - LogNormal(x, mu0, var0);
            var r1 = logOdds.sigmoid() * mask;
            var r0 = mask - r1;
            var n0 = r0.sum([1], keepdim: true) + 1e-9;
            var n1 = r1.sum([1], keepdim: true) + 1e-9;
            mu0 = (r0 * x).sum([1], keepdim: true) / n0;
            mu1 = (r1 * x).sum([1], keepdim: true) / n1;
            var0 = ((r0 * (x - mu0).pow(2)).sum([1], keepdim: true) / n0).clamp_min(VarianceFloor);
            var1 = ((r1 * (x - mu1).pow(2)).sum([1], keepdim: true) / n1).clamp_min(VarianceFloor);
            pi1 = (n1 / (n0 + n1)).clamp(1e-3, 1 - 1e-3);
        }

        // Keep component 1 the high-loss one.
        var swap = mu0 > mu1;
        (mu0, mu1) = (where(swap, mu1, mu0), where(swap, mu0, mu1));
        (var0, var1) = (where(swap, var1, var0), where(swap, var0, var1));
        pi1 = where(swap, 1 - pi1, pi1);

        var m0 = mu0.squeeze(1).data<double>().ToArray();
        var m1 = mu1.squeeze(1).data<double>().ToArray();
        var v0 = var0.squeeze(1).data<double>().ToArray();
        var v1 = var1.squeeze(1).data<double>().ToArray();
        var p1 = pi1.squeeze(1).data<double>().ToArray();
        for (int c = 0; c < Classes; c++)
        {
            if (Count[c] < MinSamplesToFit)
            {
                continue;
            }

            Mu0[c] = m0[c];
            Mu1[c] = m1[c];
            Var0[c] = v0[c];
            Var1[c] = v1[c];
            Pi1[c] = p1[c];
            Fitted[c] = true;
        }
    }

    public void Write(BinaryWriter writer)
    {
        Persistence.CheckpointIo.Write(writer, ConfidenceSum);
        Persistence.CheckpointIo.Write(writer, ConfidenceWeight);
        Persistence.CheckpointIo.Write(writer, Losses);
        Persistence.CheckpointIo.Write(writer, Count);
        Persistence.CheckpointIo.Write(writer, Next);
        Persistence.CheckpointIo.Write(writer, Mu0);
        Persistence.CheckpointIo.Write(writer, Var0);
        Persistence.CheckpointIo.Write(writer, Mu1);
        Persistence.CheckpointIo.Write(writer, Var1);
        Persistence.CheckpointIo.Write(writer, Pi1);
        Persistence.CheckpointIo.Write(writer, Fitted);
        Persistence.CheckpointIo.Write(writer, NoiseRate);
    }

    public void Read(BinaryReader reader)
    {
        Persistence.CheckpointIo.Read(reader, ConfidenceSum);
        Persistence.CheckpointIo.Read(reader, ConfidenceWeight);
        Persistence.CheckpointIo.Read(reader, Losses);
        Persistence.CheckpointIo.Read(reader, Count);
        Persistence.CheckpointIo.Read(reader, Next);
        Persistence.CheckpointIo.Read(reader, Mu0);
        Persistence.CheckpointIo.Read(reader, Var0);
        Persistence.CheckpointIo.Read(reader, Mu1);
        Persistence.CheckpointIo.Read(reader, Var1);
        Persistence.CheckpointIo.Read(reader, Pi1);
        Persistence.CheckpointIo.Read(reader, Fitted);
        Persistence.CheckpointIo.Read(reader, NoiseRate);
    }
}
