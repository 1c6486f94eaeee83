namespace EasyHard.Scorer.Weighting;

/// <summary>The noise policy factor (1 − noise)^γ: a sample that is surely mislabelled gets weight 0 before clipping.</summary>
public static class NoiseFactor
{
    public static double Compute(double noise, double gamma) => Math.Pow(Math.Clamp(1.0 - noise, 0.0, 1.0), gamma);
}
