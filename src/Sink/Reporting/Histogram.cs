namespace EasyHard.Sink.Reporting;

/// <summary>Counts of one score in equal-width bins over [<see cref="Min"/>, <see cref="Max"/>]; the last bin includes <see cref="Max"/>.</summary>
public sealed record Histogram(string Name, double Min, double Max, IReadOnlyList<long> Counts)
{
    public double BinWidth => (Max - Min) / Counts.Count;

    public long Total => Counts.Sum();
}
