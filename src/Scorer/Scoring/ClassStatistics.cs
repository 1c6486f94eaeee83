using System.Numerics;
using System.Runtime.InteropServices;

namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Running per-class state behind <c>noise</c> and <c>bucket</c>: confident-learning thresholds and confident joint,
/// a window of recent noise log-odds per class with the two-component mixture fitted on it and the calibration
/// shift derived from both, and a window of recent difficulties per class for the bucket quantiles.
/// Host arrays hold the state (small: O(C·W + C²)), and the per-sample formulas are loops over them on the host.
/// About 470 lines on purpose: the noise score, its calibration and the checkpoint of that state read the same arrays,
/// and keeping them together keeps the checkpoint in step with what the scores use.
/// </summary>
internal sealed class ClassStatistics
{
    /// <summary>Samples a class needs in its window before its mixture is fitted and its buckets are cut.</summary>
    public const int MinSamplesToFit = 32;

    /// <summary>EM iterations per batch; warm-started from the previous fit, so a few suffice.</summary>
    private const int EmIterations = 8;

    /// <summary>Floor on component variances (log-odds units²), so a tight cluster cannot collapse to a spike.</summary>
    private const double VarianceFloor = 1e-3;

    private const double NoiseRateSmoothing = 0.01;

    /// <summary>The calibrated noise log-odds are kept inside ±this, so float noise never saturates to exactly 0 or 1 (ties would blur the ranking).</summary>
    private const double MaxLogOdds = 14.0;

    /// <summary>
    /// Where between a flat row (κ = 1/(C − 1)) and a single-cell row (κ = 1) of off-diagonal concentration κ_y (the
    /// largest share of row y's off-diagonal transition mass in one cell) a row's cell weights are trusted fully
    /// (exponent 1; κ = 0.5 for ten classes); a flat row gets exponent 0. The confident
    /// joint's off-diagonal also holds the proxy's own confusions of similar classes, which spread a row's mass over a
    /// few cells; a systematic flip puts most of it in one. Measured with <c>easyhard bench quality --matrix full</c>
    /// against one exponent of 0.5 for every row: pair flips 0.3 / 0.45 at 60,000 0.9339 / 0.7706 → 0.9599 / 0.8483, at
    /// 20,000 0.9024 / 0.7059 → 0.9350 / 0.7744, symmetric noise within −0.001 to +0.005 on every case; κ reached
    /// 0.36–0.75 in pair-flip rows and 0.13–0.36 in symmetric ones (<c>easyhard replay</c>). Full trust at 0.4 lost on
    /// symmetric 0.2, at 0.7 on pair flips.
    /// </summary>
    internal const double FullTrustFraction = 0.4375;

    /// <summary>
    /// Floor of the calibration shift's per-batch update weight. The shift is the running mean of the per-batch
    /// solutions (weight 1/n), then an exponential average with this weight: a shift that moved with every batch
    /// would reorder samples scored at different times (measured: noise AUROC 0.936 against 0.962 for s itself).
    /// </summary>
    private const double ShiftSmoothing = 0.002;

    /// <summary>
    /// The noise an uninformed proxy (uniform prediction, s = log(C − 1)) maps to before the calibration has data: the
    /// shift starts at b₀ = logit(0.3) − log(C − 1), and through the proxy's warm-up it moves
    /// <see cref="WarmupShiftStep"/> of the way to each batch's solution. A map that moves while samples are scored
    /// reorders them across time: solved per batch from b = 0, the first batches of a stream mapped a random proxy's
    /// s ≈ log(C − 1) to noise 0.9 and the shift swung to −2 within 2,000 samples. Measured with <c>easyhard replay</c>
    /// on Fashion-MNIST (symmetric 0.4 at 60,000; symmetric 0.2 / 0.6, pair flips 0.3 / 0.45 at 20,000), noise AUROC
    /// 0.9684 / 0.9543 / 0.9300 / 0.8836 / 0.6659 with the shift solved per batch from 0 against 0.9769 / 0.9717 /
    /// 0.9470 / 0.9064 / 0.6732 from b₀ with a step of 1/4, and the clean stream's mean noise 0.139 against 0.123.
    /// Held at b₀ through warm-up, symmetric 0.6 fell to 0.9201 (its later shift is far from b₀); a step of 1/2 or 1
    /// ranked worse on every case, 1/8 worse on symmetric 0.6.
    /// </summary>
    internal const double UninformedNoise = 0.3;

    /// <summary>The share of the way to a batch's solved shift the shift moves during warm-up (see <see cref="UninformedNoise"/>).</summary>
    internal const double WarmupShiftStep = 0.25;

    private readonly double thresholdDecay;

    /// <summary>A class's window of difficulties, reordered by the quantile selection (one buffer for every batch).</summary>
    private readonly float[] selection;

    /// <param name="jointRateShare">The confident joint's share of the joint-and-mixture rate (<see cref="TargetRate"/>).</param>
    /// <param name="confidentRateShare">The confident disagreement's share of the rate <c>noise</c> is calibrated to (<see cref="EstimatedNoiseRate"/>).</param>
    /// <param name="confidentQuantile">The quantile of each predicted class's top probabilities the disagreement counts from.</param>
    /// <param name="calibrationSlope">The slope a of the calibration map σ(a (s + b)) (<see cref="Calibrate"/>).</param>
    public ClassStatistics(int classes, int window, double thresholdDecay, double jointRateShare = 0.5, double confidentRateShare = 0.5, double confidentQuantile = 0.9,
        double calibrationSlope = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(calibrationSlope, 0.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(jointRateShare, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jointRateShare, 1.0);
        ArgumentOutOfRangeException.ThrowIfLessThan(confidentRateShare, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(confidentRateShare, 1.0);
        JointRateShare = jointRateShare;
        ConfidentRateShare = confidentRateShare;
        CalibrationSlope = calibrationSlope;
        Classes = classes;
        Window = window;
        this.thresholdDecay = thresholdDecay;
        ConfidenceSum = new double[classes];
        ConfidenceWeight = new double[classes];
        Difficulties = new float[classes * window];
        selection = new float[window];
        LogOdds = new float[classes * window];
        Count = new int[classes];
        Next = new int[classes];
        Mu0 = new double[classes];
        Var0 = new double[classes];
        Mu1 = new double[classes];
        Var1 = new double[classes];
        Pi1 = new double[classes];
        Fitted = new bool[classes];
        Shift = new double[classes];
        ShiftUpdates = new long[1];
        Lower = new float[classes];
        Upper = new float[classes];
        NoiseRate = new double[classes];
        Joint = new ConfidentJoint(classes, thresholdDecay);
        Disagreement = new ConfidentDisagreement(classes, window, ConfidentDisagreement.CountedDecay, confidentQuantile);
        Shift[0] = InitialShift(classes, calibrationSlope);
    }

    /// <summary>The statistics of a scorer with these options (<c>Scorer:Statistics</c>): its own, and a peer's it merges.</summary>
    public static ClassStatistics From(int classes, StatisticsOptions options) =>
        new(classes, options.ClassWindow, options.ThresholdDecay, options.JointRateShare, options.ConfidentRateShare, options.ConfidentQuantile,
            options.CalibrationSlope);

    /// <summary>
    /// b₀ = logit(<see cref="UninformedNoise"/>) / a − log(C − 1): σ(a (s + b₀)) = <see cref="UninformedNoise"/> at a
    /// uniform prediction.
    /// </summary>
    internal static double InitialShift(int classes, double slope = 1.0) => (Math.Log(UninformedNoise / (1 - UninformedNoise)) / slope) - Math.Log(classes - 1);

    public int Classes { get; }

    /// <summary>The confident joint's share of <see cref="TargetRate"/>; the loss mixture's is the rest.</summary>
    public double JointRateShare { get; }

    /// <summary>The confident disagreement's share of <see cref="EstimatedNoiseRate"/>; the joint-and-mixture rate's is the rest.</summary>
    public double ConfidentRateShare { get; }

    /// <summary>The slope a of <see cref="Calibrate"/>: noise = σ(a (s + b)).</summary>
    public double CalibrationSlope { get; }

    public int Window { get; }

    public ConfidentJoint Joint { get; }

    /// <summary>The noise rate among the proxy's most confident predictions (<see cref="EstimatedNoiseRate"/>).</summary>
    public ConfidentDisagreement Disagreement { get; }

    internal double[] ConfidenceSum { get; }

    internal double[] ConfidenceWeight { get; }

    internal float[] Difficulties { get; }

    internal float[] LogOdds { get; }

    internal int[] Count { get; }

    internal int[] Next { get; }

    internal double[] Mu0 { get; }

    internal double[] Var0 { get; }

    internal double[] Mu1 { get; }

    internal double[] Var1 { get; }

    internal double[] Pi1 { get; }

    internal bool[] Fitted { get; }

    /// <summary>Per-class 30 % and 70 % quantiles of the difficulty window (bucket edges).</summary>
    internal float[] Lower { get; }

    internal float[] Upper { get; }

    /// <summary>Calibration shift b added to the raw log-odds (element 0; one slot per class kept for the checkpoint layout).</summary>
    internal double[] Shift { get; }

    /// <summary>Number of shift updates so far (element 0).</summary>
    internal long[] ShiftUpdates { get; }

    /// <summary>Running mean of the emitted noise per class (the per-class noise gauge).</summary>
    internal double[] NoiseRate { get; }

    /// <summary>t_j = running mean of p̄_j over samples labelled j (Northcutt et al. 2021); 1/C before any.</summary>
    public double Threshold(int c) => ConfidenceWeight[c] > 0 ? ConfidenceSum[c] / ConfidenceWeight[c] : 1.0 / Classes;

    /// <summary>[C] thresholds, floored at 10⁻⁶ so a class never seen yet cannot be cleared by a zero probability.</summary>
    public float[] ThresholdValues() => [.. Enumerable.Range(0, Classes).Select(c => (float)Math.Max(Threshold(c), 1e-6))];

    /// <summary>
    /// Target mean noise of class y: the confident joint's ρ_y and the mixture's noisy weight π₁, weighted by
    /// <see cref="JointRateShare"/> and its complement.
    /// </summary>
    public double TargetRate(int y) => Fitted[y] ? (JointRateShare * Joint.NoiseRate(y)) + ((1 - JointRateShare) * Pi1[y]) : Joint.NoiseRate(y);

    /// <summary>
    /// [C, C] row-major relative cell weights for the raw noise log-odds s = log Σ_{k≠y} w_yk p̄_k − log p̄_y
    /// (<see cref="BatchSignals.RawLogOdds"/>): w_yk = (T[y][k] / mean_{j≠y} T[y][j])^a_y, a_y = clamp((κ_y − 1/(C − 1)) /
    /// (h · (1 − 1/(C − 1))), 0, 1) with h = <see cref="FullTrustFraction"/> and κ_y = max_{k≠y} T[y][k] / Σ_{k≠y} T[y][k],
    /// with T the noise transition estimated from the confident joint (the ensemble's p̄ standing in for the clean-class
    /// posterior in P(noisy) ∝ Σ_{k≠y} T[y][k] p̄_k). Under symmetric noise the off-diagonal of T is flat, w = 1 and
    /// s = log((1 − p̄_y) / p̄_y) ranks exactly as the loss −log p̄_y does, in and across classes; under class-conditional
    /// noise (pair flips y* = k → ỹ = y) the dominant cell's weight turns s into the log-ratio p̄_k / p̄_y of that cell,
    /// the margin cleanlab's prune_by_noise_rate ranks each off-diagonal cell by.
    /// </summary>
    public double[] CellWeights()
    {
        var transition = Joint.Transition(LabelShares());
        var trust = RowTrust(transition);
        var weights = new double[Classes * Classes];
        for (int y = 0; y < Classes; y++)
        {
            double offDiagonal = 0;
            for (int k = 0; k < Classes; k++)
            {
                offDiagonal += k == y ? 0 : Math.Max(transition[(y * Classes) + k], 1e-6);
            }

            double meanOff = offDiagonal / (Classes - 1);
            for (int k = 0; k < Classes; k++)
            {
                weights[(y * Classes) + k] = Math.Pow(Math.Max(transition[(y * Classes) + k], 1e-6) / meanOff, trust[y]);
            }
        }

        return weights;
    }

    /// <summary>
    /// a_y of <see cref="CellWeights"/> for every given label y: how far row y of the noise transition is trusted, 0 where
    /// its off-diagonal mass is spread flat (symmetric noise, the proxy's own confusions), 1 where one cell holds half of
    /// it or more for ten classes (a systematic flip).
    /// </summary>
    public double[] RowTrust() => RowTrust(Joint.Transition(LabelShares()));

    private double[] RowTrust(float[] transition)
    {
        var trust = new double[Classes];
        for (int y = 0; y < Classes && Classes > 2; y++)
        {
            double offDiagonal = 0, largest = 0;
            for (int k = 0; k < Classes; k++)
            {
                double cell = k == y ? 0 : Math.Max(transition[(y * Classes) + k], 1e-6);
                offDiagonal += cell;
                largest = Math.Max(largest, cell);
            }

            double flat = 1.0 / (Classes - 1), concentration = largest / offDiagonal;
            trust[y] = Math.Clamp((concentration - flat) / (FullTrustFraction * (1 - flat)), 0, 1);
        }

        return trust;
    }

    /// <summary>Running share n_c / N of each given label (decayed counts), floored so no class has share 0.</summary>
    public double[] LabelShares()
    {
        var shares = new double[Classes];
        double total = ConfidenceWeight.Sum();
        for (int c = 0; c < Classes; c++)
        {
            shares[c] = total > 0 ? Math.Max(ConfidenceWeight[c] / total, 1e-6) : 1.0 / Classes;
        }

        return shares;
    }

    /// <summary>
    /// The overall noise rate <c>noise</c> is calibrated to: the confident disagreement (<see cref="Disagreement"/>),
    /// weighted by <see cref="ConfidentRateShare"/>, and the label-share-weighted mean of <see cref="TargetRate"/>
    /// (joint and mixtures), weighted by the rest; the latter alone until the disagreement has counted enough samples.
    /// The three err in different directions: the joint runs high by about the proxy's own error rate, the mixtures low
    /// where the noisy samples' losses overlap the clean ones', the disagreement high by the proxy's few errors among
    /// its surest predictions while the proxy is young.
    /// </summary>
    public double EstimatedNoiseRate()
    {
        double jointAndMixture = JointAndMixtureRate();
        return Disagreement.Ready ? (ConfidentRateShare * Disagreement.Rate) + ((1 - ConfidentRateShare) * jointAndMixture) : jointAndMixture;
    }

    /// <summary>The label-share-weighted mean of <see cref="TargetRate"/>.</summary>
    private double JointAndMixtureRate()
    {
        var shares = LabelShares();
        double rate = 0, total = 0;
        for (int c = 0; c < Classes; c++)
        {
            rate += shares[c] * TargetRate(c);
            total += shares[c];
        }

        return rate / total;
    }

    /// <summary>
    /// The overall label-noise rate estimated from the confident joint and from the loss mixtures (label-share-weighted
    /// means of their per-class rates), the confident disagreement, and <see cref="EstimatedNoiseRate"/>, which
    /// <c>noise</c> is calibrated to.
    /// </summary>
    public NoiseRateEstimates NoiseRateEstimates()
    {
        var shares = LabelShares();
        double joint = 0, mixture = 0;
        for (int c = 0; c < Classes; c++)
        {
            joint += shares[c] * Joint.NoiseRate(c);
            mixture += shares[c] * Pi1[c];
        }

        double total = shares.Sum();
        return new NoiseRateEstimates(joint / total, mixture / total, Disagreement.Rate, EstimatedNoiseRate());
    }

    /// <summary>
    /// noise = σ(a (s + b)), b the calibration shift (in units of s) and a <see cref="CalibrationSlope"/>, with a (s + b)
    /// kept within ±<see cref="MaxLogOdds"/>. One shift for all classes: per-class shifts would reorder samples across
    /// classes by noisy per-class rate estimates, and the ranking of s itself is what the noise score must keep. The
    /// slope does not reorder samples; it makes noise a probability: s comes from an ensemble's average prediction,
    /// blended with a neighbour vote and spread over the transition's cells, all of which pull it toward the middle, so
    /// σ(s + b) was under-confident (Platt scaling, Platt 1999: fitted against the true flips of Fashion-MNIST streams,
    /// a = 2.4–3.4 on symmetric noise and 30 % pair flips, 1.1–2.3 on 45 % pair flips).
    /// </summary>
    public float Calibrate(float logOdds) =>
        (float)(1.0 / (1.0 + Math.Exp(-Math.Clamp(CalibrationSlope * (logOdds + Shift[0]), -MaxLogOdds, MaxLogOdds))));

    /// <summary>
    /// Bucket for a difficulty against the class's running quantiles: 1 easy (bottom 30 %), 3 hard (top 30 %), else 2
    /// (also while the class has fewer than <see cref="MinSamplesToFit"/> samples in its window).
    /// </summary>
    public int Bucket(float difficulty, int label)
    {
        if (Count[label] < MinSamplesToFit)
        {
            return 2;
        }

        return difficulty <= Lower[label] ? 1 : difficulty >= Upper[label] ? 3 : 2;
    }

    /// <summary>
    /// Folds a scored batch into thresholds, joint, windows and noise rates, then refits the mixtures, the calibration
    /// shifts and the bucket quantiles. Samples whose <see cref="BatchView.Include"/> is false (non-finite) are skipped.
    /// </summary>
    public void Update(BatchView batch, bool warm = true)
    {
        for (int i = 0; i < batch.Labels.Length; i++)
        {
            if (!batch.Include[i])
            {
                continue;
            }

            int c = batch.Labels[i];
            ConfidenceSum[c] = (ConfidenceSum[c] * thresholdDecay) + batch.SelfConfidence[i];
            ConfidenceWeight[c] = (ConfidenceWeight[c] * thresholdDecay) + 1.0;
            Difficulties[(c * Window) + Next[c]] = batch.Difficulty[i];
            LogOdds[(c * Window) + Next[c]] = batch.LogOdds[i];
            Next[c] = (Next[c] + 1) % Window;
            Count[c] = Math.Min(Count[c] + 1, Window);
            NoiseRate[c] += NoiseRateSmoothing * (batch.Noise[i] - NoiseRate[c]);
        }

        Joint.Update(batch.Labels, batch.Assigned, batch.Include);
        Disagreement.Update(batch.Labels, batch.Predicted, batch.Confidence, batch.Include);
        RefitMixtures();
        var pooled = new List<float>(Classes * Window);
        for (int c = 0; c < Classes; c++)
        {
            pooled.AddRange(LogOdds.AsSpan(c * Window, Count[c]));
        }

        if (pooled.Count >= MinSamplesToFit)
        {
            // Smoothed over batches so that the same s maps to nearly the same noise from one batch to the next.
            double solved = SolveShift(CollectionsMarshal.AsSpan(pooled), EstimatedNoiseRate(), Shift[0], CalibrationSlope);
            if (warm)
            {
                ShiftUpdates[0]++;
                Shift[0] += Math.Max(1.0 / (ShiftUpdates[0] + 1), ShiftSmoothing) * (solved - Shift[0]);
            }
            else
            {
                // During the proxy's warm-up, from b₀, a quarter of the way to each batch's solution (see UninformedNoise).
                Shift[0] += WarmupShiftStep * (solved - Shift[0]);
            }
        }

        for (int c = 0; c < Classes; c++)
        {
            if (Count[c] >= MinSamplesToFit)
            {
                // The 30 % and 70 % quantiles of the window, as a sort would place them. After the upper one is
                // selected, the values before it are the smaller ones, among which the lower one is selected.
                var window = selection.AsSpan(0, Count[c]);
                Difficulties.AsSpan(c * Window, Count[c]).CopyTo(window);
                int last = window.Length - 1, lowerRank = (int)Math.Floor(last * 0.3), upperRank = (int)Math.Ceiling(last * 0.7);
                Upper[c] = OrderStatistic.Select(window, upperRank);
                Lower[c] = lowerRank < upperRank ? OrderStatistic.Select(window[..upperRank], lowerRank) : Upper[c];
            }
        }
    }

    /// <summary>
    /// The shift b with mean σ(a (s_i + b)) = <paramref name="target"/> over the window, a the slope. The mean is monotone in b, so
    /// Newton's method kept inside a bisection bracket converges from any start (Press et al., Numerical Recipes,
    /// rtsafe); started from the previous batch's shift it takes a few passes over the window where plain bisection
    /// took forty. This holds the mean of <c>noise</c> at the estimated noise rate.
    /// </summary>
    internal static double SolveShift(ReadOnlySpan<float> logOdds, double target, double start = 0, double slope = 1.0)
    {
        const double tolerance = 1e-10;
        target = Math.Clamp(target, 1e-3, 1 - 1e-3);
        double low = -40, high = 40;
        double b = Math.Clamp(start, low, high);
        for (int iteration = 0; iteration < 200; iteration++)
        {
            var (mean, derivative) = MeanAndDerivative(logOdds, b, slope);

            double excess = (mean - (target * logOdds.Length)) / logOdds.Length;
            if (excess < 0)
            {
                low = b;
            }
            else
            {
                high = b;
            }

            double next = derivative > 0 ? b - (excess * logOdds.Length / derivative) : double.NaN;
            if (!(next > low && next < high))
            {
                next = 0.5 * (low + high);
            }

            bool done = Math.Abs(next - b) < tolerance || high - low < tolerance;
            b = next;
            if (done)
            {
                break;
            }
        }

        return b;
    }

    /// <summary>
    /// Σ σ(a (s_i + b)) and its derivative in b, a Σ σ(1 − σ) over the unclamped terms, with z = a (s + b) clamped to
    /// ±<see cref="MaxLogOdds"/> inside σ. In double-precision vector lanes, then the remainder: the exponentials of
    /// every Newton pass over the pooled windows were most of a batch's host-side statistics.
    /// </summary>
    private static (double Mean, double Derivative) MeanAndDerivative(ReadOnlySpan<float> logOdds, double b, double a)
    {
        var (shift, scale, limit, one) = (new Vector<double>(b), new Vector<double>(a), new Vector<double>(MaxLogOdds), Vector<double>.One);
        var (means, derivatives) = (Vector<double>.Zero, Vector<double>.Zero);
        int i = 0;
        for (; i + Vector<float>.Count <= logOdds.Length; i += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(logOdds[i..]), out var low, out var high);
            foreach (var z in (ReadOnlySpan<Vector<double>>)[scale * (low + shift), scale * (high + shift)])
            {
                var sigma = one / (one + Vector.Exp(-Vector.Min(Vector.Max(z, -limit), limit)));
                means += sigma;
                derivatives += Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(z), limit), sigma * (one - sigma), Vector<double>.Zero);
            }
        }

        double mean = Vector.Sum(means), derivative = Vector.Sum(derivatives);
        for (; i < logOdds.Length; i++)
        {
            double z = a * (logOdds[i] + b);
            double sigma = 1.0 / (1.0 + Math.Exp(-Math.Clamp(z, -MaxLogOdds, MaxLogOdds)));
            mean += sigma;
            derivative += Math.Abs(z) < MaxLogOdds ? sigma * (1 - sigma) : 0;
        }

        return (mean, a * derivative);
    }

    /// <summary>
    /// Refits each class's two-component 1-D Gaussian mixture on its window of noise log-odds, warm-started from the
    /// previous fit (DivideMix fits the same model to per-sample losses, Li et al. 2020; the log-odds are the loss
    /// normalized by the class's transition row). Component 1 is the higher-mean (noisy) one; its weight π₁ is the
    /// mixture's estimate of the class's noise rate. Classes with fewer than <see cref="MinSamplesToFit"/> samples
    /// keep their previous fit.
    /// </summary>
    private void RefitMixtures()
    {
        for (int c = 0; c < Classes; c++)
        {
            if (Count[c] < MinSamplesToFit)
            {
                continue;
            }

            GaussianMixture1D? previous = Fitted[c] ? new GaussianMixture1D(Mu0[c], Var0[c], Mu1[c], Var1[c], Pi1[c]) : null;
            var fit = GaussianMixture1D.Fit(LogOdds.AsSpan(c * Window, Count[c]), previous, EmIterations, VarianceFloor);
            (Mu0[c], Var0[c], Mu1[c], Var1[c], Pi1[c]) = (fit.Mu0, fit.Var0, fit.Mu1, fit.Var1, fit.Pi1);
            Fitted[c] = true;
        }
    }

    public void Write(BinaryWriter writer)
    {
        DoubleArrays().ToList().ForEach(a => Persistence.CheckpointIo.Write(writer, a));
        FloatArrays().ToList().ForEach(a => Persistence.CheckpointIo.Write(writer, a));
        IntArrays().ToList().ForEach(a => Persistence.CheckpointIo.Write(writer, a));
        Persistence.CheckpointIo.Write(writer, ShiftUpdates);
        Persistence.CheckpointIo.Write(writer, Fitted);
        Joint.Write(writer);
    }

    public void Read(BinaryReader reader)
    {
        DoubleArrays().ToList().ForEach(a => Persistence.CheckpointIo.Read(reader, a));
        FloatArrays().ToList().ForEach(a => Persistence.CheckpointIo.Read(reader, a));
        IntArrays().ToList().ForEach(a => Persistence.CheckpointIo.Read(reader, a));
        Persistence.CheckpointIo.Read(reader, ShiftUpdates);
        Persistence.CheckpointIo.Read(reader, Fitted);
        Joint.Read(reader);
    }

    private float[][] FloatArrays() => [Difficulties, LogOdds, Lower, Upper];

    private int[][] IntArrays() => [Count, Next];

    private double[][] DoubleArrays() => [ConfidenceSum, ConfidenceWeight, Mu0, Var0, Mu1, Var1, Pi1, Shift, NoiseRate];
}
