namespace EasyHard.Bench.Quality;

/// <summary>What confident learning found: thresholds, raw and calibrated confident joint, and the flagged samples.</summary>
/// <param name="Thresholds">Per-class confidence thresholds tⱼ.</param>
/// <param name="ConfidentJoint">Raw counts C[given][true guess].</param>
/// <param name="Calibrated">C calibrated to the noisy label counts; sums to n, so Q = Calibrated / n.</param>
/// <param name="Issues">True for every sample flagged by <c>prune_by_noise_rate</c>.</param>
public sealed record LabelIssues(double[] Thresholds, long[,] ConfidentJoint, long[,] Calibrated, bool[] Issues)
{
    /// <summary>The noise rate the calibrated joint implies: its off-diagonal mass over n.</summary>
    public double EstimatedNoiseRate
    {
        get
        {
            long total = 0, offDiagonal = 0;
            for (var i = 0; i < Calibrated.GetLength(0); i++)
            {
                for (var j = 0; j < Calibrated.GetLength(1); j++)
                {
                    total += Calibrated[i, j];
                    offDiagonal += i == j ? 0 : Calibrated[i, j];
                }
            }

            return total == 0 ? double.NaN : offDiagonal / (double)total;
        }
    }
}
