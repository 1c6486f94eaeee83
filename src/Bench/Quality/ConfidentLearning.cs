namespace EasyHard.Bench.Quality;

/// <summary>
/// Confident learning (Northcutt, Jiang and Chuang 2021, "Confident Learning: Estimating Uncertainty in Dataset
/// Labels"), the offline reference for noise detection, following cleanlab's <c>compute_confident_joint</c>,
/// <c>calibrate_confident_joint</c> and <c>find_label_issues(filter_by="prune_by_noise_rate")</c>.
/// Probabilities are out-of-sample (cross-validated), row-major: row i holds p(k | xᵢ) for k in [0, classes).
/// </summary>
public static class ConfidentLearning
{
    /// <summary>
    /// Per-class thresholds tⱼ = mean of pⱼ over the samples labelled j: the model's expected self-confidence for
    /// class j. A class with no sample gets threshold 1 (nothing is confidently counted into it).
    /// </summary>
    public static double[] Thresholds(ReadOnlySpan<float> probabilities, IReadOnlyList<int> labels, int classes)
    {
        Check(probabilities, labels, classes);
        var sum = new double[classes];
        var count = new long[classes];
        for (var i = 0; i < labels.Count; i++)
        {
            sum[labels[i]] += probabilities[(i * classes) + labels[i]];
            count[labels[i]]++;
        }

        // cleanlab clips thresholds away from 0 so that a zero probability is never "confident".
        return [.. Enumerable.Range(0, classes).Select(j => count[j] == 0 ? 1.0 : Math.Max(sum[j] / count[j], 2e-6))];
    }

    /// <summary>
    /// The raw confident joint C[i][j]: samples labelled i whose probability reaches the threshold of class j
    /// (pⱼ ≥ tⱼ − 1e-6); with several such classes, j is the arg-max of p over all classes; samples confident in no
    /// class are not counted. The diagonal is clipped to at least 1 so that every class keeps a clean example.
    /// </summary>
    public static long[,] ConfidentJoint(ReadOnlySpan<float> probabilities, IReadOnlyList<int> labels, int classes, IReadOnlyList<double> thresholds)
    {
        Check(probabilities, labels, classes);
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentOutOfRangeException.ThrowIfNotEqual(thresholds.Count, classes);
        var joint = new long[classes, classes];
        for (var i = 0; i < labels.Count; i++)
        {
            var row = probabilities.Slice(i * classes, classes);
            int confident = 0, firstConfident = -1, argmax = 0;
            for (var k = 0; k < classes; k++)
            {
                if (row[k] >= thresholds[k] - 1e-6)
                {
                    confident++;
                    firstConfident = firstConfident < 0 ? k : firstConfident;
                }

                argmax = row[k] > row[argmax] ? k : argmax;
            }

            if (confident > 0)
            {
                joint[labels[i], confident > 1 ? argmax : firstConfident]++;
            }
        }

        for (var k = 0; k < classes; k++)
        {
            joint[k, k] = Math.Max(joint[k, k], 1);
        }

        return joint;
    }

    /// <summary>
    /// Calibrates the confident joint to the noisy label counts: row i is rescaled to sum to the number of samples
    /// labelled i (so the whole matrix sums to n), then rounded to integers preserving each row's total. The
    /// result estimates the counts of (given label i, true label j); divided by n it is the joint Q.
    /// </summary>
    public static long[,] Calibrate(long[,] joint, IReadOnlyList<long> labelCounts)
    {
        ArgumentNullException.ThrowIfNull(joint);
        ArgumentNullException.ThrowIfNull(labelCounts);
        var classes = labelCounts.Count;
        if (joint.GetLength(0) != classes || joint.GetLength(1) != classes)
        {
            throw new ArgumentException($"joint is {joint.GetLength(0)}×{joint.GetLength(1)}, expected {classes}×{classes}", nameof(joint));
        }

        var calibrated = new long[classes, classes];
        var row = new double[classes];
        for (var i = 0; i < classes; i++)
        {
            double rowSum = 0;
            for (var j = 0; j < classes; j++)
            {
                rowSum += joint[i, j];
            }

            for (var j = 0; j < classes; j++)
            {
                row[j] = rowSum == 0 ? 0 : joint[i, j] / rowSum * labelCounts[i];
            }

            var rounded = RoundPreservingSum(row);
            for (var j = 0; j < classes; j++)
            {
                calibrated[i, j] = rounded[j];
            }
        }

        return calibrated;
    }

    /// <summary>
    /// Rounds to integers whose sum is the rounded sum of the inputs: after plain rounding, the entries that lost
    /// the most (or gained the most) are moved by one until the totals agree (cleanlab's <c>round_preserving_sum</c>).
    /// </summary>
    public static long[] RoundPreservingSum(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var ints = values.Select(v => (long)Math.Round(v, MidpointRounding.ToEven)).ToArray();
        var target = (long)Math.Round(values.Sum(), MidpointRounding.ToEven);
        var difference = target - ints.Sum();
        if (difference != 0)
        {
            // Largest remainders first when adding, smallest (most negative) first when taking away.
            var sign = Math.Sign(difference);
            var order = Enumerable.Range(0, ints.Length).OrderByDescending(k => sign * (values[k] - ints[k])).ThenBy(k => k).ToArray();
            for (var step = 0; step < Math.Abs(difference); step++)
            {
                ints[order[step % order.Length]] += sign;
            }
        }

        return ints;
    }

    /// <summary>
    /// cleanlab's <c>prune_by_noise_rate</c>: with Q the calibrated confident joint, for every off-diagonal cell
    /// (given i, true j) flag the n·Q[i][j] samples labelled i with the largest margin pⱼ − pᵢ. A class with at
    /// most <paramref name="minExamplesPerClass"/> samples is never pruned.
    /// </summary>
    public static LabelIssues FindLabelIssues(ReadOnlySpan<float> probabilities, IReadOnlyList<int> labels, int classes, int minExamplesPerClass = 1)
    {
        Check(probabilities, labels, classes);
        var thresholds = Thresholds(probabilities, labels, classes);
        var joint = ConfidentJoint(probabilities, labels, classes, thresholds);
        var labelCounts = new long[classes];
        foreach (var label in labels)
        {
            labelCounts[label]++;
        }

        var calibrated = Calibrate(joint, labelCounts);
        var byClass = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < labels.Count; i++)
        {
            byClass[labels[i]].Add(i);
        }

        var issues = new bool[labels.Count];
        var margins = new double[labels.Count];
        for (var given = 0; given < classes; given++)
        {
            var members = byClass[given];
            if (members.Count <= minExamplesPerClass)
            {
                continue;
            }

            for (var truth = 0; truth < classes; truth++)
            {
                var prune = (int)Math.Min(calibrated[given, truth], members.Count);
                if (truth == given || prune <= 0)
                {
                    continue;
                }

                foreach (var i in members)
                {
                    margins[i] = probabilities[(i * classes) + truth] - probabilities[(i * classes) + given];
                }

                foreach (var i in members.OrderByDescending(i => margins[i]).ThenBy(i => i).Take(prune))
                {
                    issues[i] = true;
                }
            }
        }

        return new LabelIssues(thresholds, joint, calibrated, issues);
    }

    private static void Check(ReadOnlySpan<float> probabilities, IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (probabilities.Length != (long)labels.Count * classes)
        {
            throw new ArgumentException($"{probabilities.Length} probabilities do not make {labels.Count} rows of {classes}", nameof(probabilities));
        }

        foreach (var label in labels)
        {
            if (label < 0 || label >= classes)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"label outside [0, {classes})");
            }
        }
    }
}
