namespace EasyHard.Bench.Quality;

/// <summary>One target: the measured value, what it must reach, and whether it did (null where it does not apply).</summary>
public sealed record TargetCheck(string Check, string Measured, string Target, bool? Passed);
