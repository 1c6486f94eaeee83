using EasyHard.Contracts;

namespace EasyHard.Sink.TrainerStream;

/// <summary>
/// The resampled trainer stream (<c>Sink:TrainerStream:Sampling=resample</c>), for trainers that cannot use
/// per-sample weights: a sample of weight w is emitted with probability p = min(1, w / c) (c =
/// <c>Sink:TrainerStream:ResampleCeiling</c>) and carries the corrected weight w / p, so its expected contribution
/// stays w (importance resampling, the rejection-sampling form of weighted ERM). A sample that is surely
/// mislabelled (w near 0) is almost never emitted; one at or above c always is. The draw is a stable function of
/// the id (<see cref="StableHash.Uniform"/>), so a redelivery or replay makes the same decision.
/// </summary>
public static class ImportanceResampling
{
    /// <summary>Emission probability p = min(1, w / c) (0 for w ≤ 0).</summary>
    public static double Probability(double weight, double ceiling) =>
        weight <= 0 || !double.IsFinite(weight) ? 0 : Math.Min(1.0, weight / ceiling);

    /// <summary>Whether <paramref name="id"/> is emitted, and with which corrected weight w / p.</summary>
    public static (bool Emit, float Weight) Decide(string id, double weight, double ceiling)
    {
        double p = Probability(weight, ceiling);
        return p > 0 && StableHash.Uniform(id) < p ? (true, (float)(weight / p)) : (false, 0f);
    }
}
