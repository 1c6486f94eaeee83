namespace EasyHard.Bench.Quality;

/// <param name="ScorerDevice">Where the scoring engine ran (its <c>Scorer:Device</c>, resolved).</param>
/// <param name="OfflineDevice">Where the offline reference and downstream models ran.</param>
public sealed record ReportMachine(string Os, string Runtime, string Architecture, int ProcessorCount, int TorchThreads, string ScorerDevice, string OfflineDevice);
