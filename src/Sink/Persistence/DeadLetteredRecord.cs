namespace EasyHard.Sink.Persistence;

/// <summary>A record of the dead-letter topic, counted in <c>dead_letters</c> by its position there.</summary>
/// <param name="Role">The role that dead-lettered it, from its source topic (<see cref="DeadLetterRoles"/>).</param>
/// <param name="Reason">Its <c>easyhard-error-reason</c>.</param>
/// <param name="Partition">Its partition of the dead-letter topic.</param>
/// <param name="Offset">Its offset there.</param>
public readonly record struct DeadLetteredRecord(string Role, string Reason, int Partition, long Offset);
