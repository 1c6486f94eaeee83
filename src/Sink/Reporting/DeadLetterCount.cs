namespace EasyHard.Sink.Reporting;

/// <summary>How many records of the scored topic the Sink dead-lettered for one reason (<c>sink_dead_letters</c>).</summary>
public sealed record DeadLetterCount(string Reason, long Records);
