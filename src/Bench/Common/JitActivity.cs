using System.Runtime;

namespace EasyHard.Bench.Common;

/// <summary>
/// The JIT's work so far (methods compiled, time spent compiling on all threads). Tiered compilation recompiles hot
/// methods in the background for seconds after they first run; a run that shares the cores with it measures start-up,
/// so the benchmarks warm up until the JIT is quiet and report its share of every measured run.
/// </summary>
public readonly record struct JitActivity(long Methods, TimeSpan Time)
{
    /// <summary>The JIT's share of a warm-up's wall time below which the process counts as warm.</summary>
    public const double QuietShare = 0.01;

    public static JitActivity Now() => new(JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime());

    /// <summary>What the JIT did between <paramref name="earlier"/> and now.</summary>
    public static JitActivity Since(JitActivity earlier)
    {
        var now = Now();
        return new JitActivity(now.Methods - earlier.Methods, now.Time - earlier.Time);
    }

    /// <summary>Compile time as a share of <paramref name="wallSeconds"/> (it can exceed 1 with several compiling threads).</summary>
    public double ShareOf(double wallSeconds) => wallSeconds > 0 ? Time.TotalSeconds / wallSeconds : 0;
}
