namespace EasyHard.Sink.Reporting;

/// <summary>How many records one role dead-lettered for one reason (<c>dead_letters</c>).</summary>
public sealed record DeadLetterCount(string Role, string Reason, long Records);
