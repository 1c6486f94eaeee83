using EasyHard.Bench.Common;

namespace EasyHard.Bench.Soak;

/// <summary>Everything <c>easyhard bench soak</c> measured, as written to soak.json.</summary>
/// <param name="RssMaxDeviation">Largest |RSS − mean| / mean after warm-up.</param>
/// <param name="RssSlopeMibPerMinute">Least-squares slope of RSS after warm-up (a leak shows as a steady positive slope).</param>
public sealed record SoakResult(
    MachineDescription Machine, SoakResult.Setup Settings, IReadOnlyList<SoakSample> Samples,
    long Sent, long Arrived, long Duplicates, double MeanSamplesPerSecond, double P50Ms, double P99Ms,
    double WarmupSeconds, long RssMeanAfterWarmupBytes, long RssMinAfterWarmupBytes, long RssMaxAfterWarmupBytes,
    double RssMaxDeviation, double RssSlopeMibPerMinute, long GcHeapMeanAfterWarmupBytes, bool RssStable)
{
    public sealed record Setup(double Minutes, double Rate, int Dimension, string Format, string LabelNoise, double IntervalSeconds,
        double WarmupFraction, double RssTolerance, int MaxBacklog, IReadOnlyList<string> ExtraConfig);

    public long Lost => Sent - Arrived;
}
