namespace EasyHard.Bench.Chaos;

/// <summary>One record of the dead-letter topic: the input id it stands for (null when none can be told) and its reason header.</summary>
public sealed record DeadLetter(string? Id, string Reason);
