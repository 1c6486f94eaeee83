using EasyHard.Evaluation.Datasets;

namespace EasyHard.Bench.Soak;

/// <summary>What <c>easyhard bench soak</c> was asked to run.</summary>
/// <param name="WarmupFraction">Leading share of the run left out of the memory-stability check.</param>
/// <param name="ExtraConfig">EasyHard configuration overrides (<c>--Section:Key=value</c>).</param>
public sealed record SoakSettings(
    TimeSpan Duration, double Rate, int Dimension, SampleFormat Format, TimeSpan Interval, IReadOnlyList<string> ExtraConfig,
    double WarmupFraction = 0.2, int Seed = 11)
{
    public const int Classes = 10;

    /// <summary>Distinct feature rows cycled through; every sample still gets its own id.</summary>
    public const int PoolSize = 8192;

    /// <summary>Post-warm-up RSS must stay within this fraction of its post-warm-up mean.</summary>
    public const double RssTolerance = 0.10;
}
