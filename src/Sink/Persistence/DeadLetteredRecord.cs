namespace EasyHard.Sink.Persistence;

/// <summary>A record of the scored topic the Sink dead-lettered, counted in <c>sink_dead_letters</c> by its position.</summary>
public readonly record struct DeadLetteredRecord(string Topic, int Partition, long Offset, string Reason);
