namespace EasyHard.Bench.Chaos;

/// <summary>One record sent to the input topic, by its sample id.</summary>
/// <param name="MustDeadLetter">Larger than <c>Schema:MaxRecordBytes</c>: the trainer stream must never carry it.</param>
/// <param name="Unacknowledged">
/// The broker never acknowledged it (its delivery failed or timed out): it may have been written all the same, so it may
/// be absent downstream or there once, but it is not counted as produced.
/// </param>
public sealed record ChaosInput(string Id, bool MustDeadLetter, bool Unacknowledged = false);
