namespace EasyHard.Core.Hosting;

/// <summary>
/// The Kafka shell's wait before another attempt at something that failed for a transient reason: 200 ms doubling to
/// 30 s, jittered by ±20 % so that members failing together do not retry together.
/// </summary>
internal static class RetryBackoff
{
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    /// <summary>The wait after failed attempt number <paramref name="attempt"/> (1 for the first).</summary>
    public static TimeSpan After(int attempt)
    {
        var millis = Math.Min(Max.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt, 20)));
        return TimeSpan.FromMilliseconds(millis * (0.8 + (0.4 * Random.Shared.NextDouble())));
    }
}
