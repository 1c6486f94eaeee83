namespace EasyHard.Scorer.Scoring;

/// <summary>
/// Running confident joint C[given label y][likely true label k] of confident learning (Northcutt, Jiang and Chuang
/// 2021, "Confident Learning: Estimating Uncertainty in Dataset Labels"): a sample labelled y is counted in cell
/// (y, k*) where k* = argmax_k { p̄_k : p̄_k ≥ t_k } among the classes whose per-class threshold t_k it clears; a
/// sample clearing none is not counted. Counts decay per sample so the joint follows a drifting stream. From it come
/// the per-class noise rates ρ_y = 1 − C[y][y] / Σ_k C[y][k] and the noise transition T[y][k] = P(ỹ = y | y* = k),
/// which make the noise score class-conditional (a class systematically labelled as another, e.g. pair flips).
/// </summary>
internal sealed class ConfidentJoint
{
    /// <summary>Laplace prior: a diagonal count and a smaller off-diagonal count per cell, so rows are never empty.</summary>
    private const double DiagonalPrior = 1.0;

    private const double OffDiagonalPrior = 0.01;

    private readonly double decay;

    public ConfidentJoint(int classes, double decay)
    {
        Classes = classes;
        this.decay = decay;
        Counts = new double[classes * classes];
        for (int y = 0; y < classes; y++)
        {
            for (int k = 0; k < classes; k++)
            {
                Counts[(y * classes) + k] = y == k ? DiagonalPrior : OffDiagonalPrior;
            }
        }
    }

    public int Classes { get; }

    /// <summary>Row-major C[y][k] (decayed counts).</summary>
    internal double[] Counts { get; }

    /// <summary>Adds one count per assigned sample (k* ≥ 0), after decaying the row of its given label.</summary>
    public void Update(ReadOnlySpan<int> labels, ReadOnlySpan<long> assigned, ReadOnlySpan<bool> include)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            if (assigned[i] < 0 || !include[i])
            {
                continue;
            }

            var row = Counts.AsSpan(labels[i] * Classes, Classes);
            for (int k = 0; k < Classes; k++)
            {
                row[k] *= decay;
            }

            row[(int)assigned[i]] += 1.0;
        }
    }

    /// <summary>ρ_y = estimated share of samples labelled y whose true label is another class.</summary>
    public double NoiseRate(int y)
    {
        var row = Counts.AsSpan(y * Classes, Classes);
        double total = 0;
        foreach (var c in row)
        {
            total += c;
        }

        return 1.0 - (row[y] / total);
    }

    /// <summary>
    /// T[y][k] = P(ỹ = y | y* = k), estimated as C[y][k] / Σ_j C[j][k] after calibrating each row of C to the share of
    /// its label (cleanlab's calibration): row y is scaled so it sums to <paramref name="labelShare"/>[y].
    /// </summary>
    public float[] Transition(ReadOnlySpan<double> labelShare)
    {
        var calibrated = new double[Classes * Classes];
        for (int y = 0; y < Classes; y++)
        {
            var row = Counts.AsSpan(y * Classes, Classes);
            double total = 0;
            foreach (var c in row)
            {
                total += c;
            }

            for (int k = 0; k < Classes; k++)
            {
                calibrated[(y * Classes) + k] = row[k] / total * labelShare[y];
            }
        }

        var transition = new float[Classes * Classes];
        for (int k = 0; k < Classes; k++)
        {
            double column = 0;
            for (int y = 0; y < Classes; y++)
            {
                column += calibrated[(y * Classes) + k];
            }

            for (int y = 0; y < Classes; y++)
            {
                transition[(y * Classes) + k] = (float)(calibrated[(y * Classes) + k] / column);
            }
        }

        return transition;
    }

    public void Write(BinaryWriter writer) => Persistence.CheckpointIo.Write(writer, Counts);

    public void Read(BinaryReader reader) => Persistence.CheckpointIo.Read(reader, Counts);
}
