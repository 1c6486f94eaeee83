namespace EasyHard.Host.Bench.Chaos;

/// <summary>One record the broker acknowledged on the input topic, by its sample id.</summary>
/// <param name="MustDeadLetter">Larger than <c>Schema:MaxRecordBytes</c>: the trainer stream must never carry it.</param>
public sealed record ChaosInput(string Id, bool MustDeadLetter);
