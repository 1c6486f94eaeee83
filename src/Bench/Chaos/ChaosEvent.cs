namespace EasyHard.Bench.Chaos;

/// <summary>One planned fault: when it strikes, what it strikes and how long it holds before recovery.</summary>
/// <param name="AtSeconds">Seconds after the producer starts.</param>
/// <param name="Target">A role (kill, term, member churn), <c>broker N</c>, a topic key (leader move), a Kafka API (request errors), <c>input</c> or <c>postgres</c>.</param>
/// <param name="HoldSeconds">How long a broker or PostgreSQL stays down, a killed role stays dead, an extra member stays.</param>
/// <param name="Choice">A planned random number for the details that need one (which broker leads each partition).</param>
public sealed record ChaosEvent(double AtSeconds, FaultKind Kind, string Target, double HoldSeconds, int Choice)
{
    public string Name => FaultKinds.NameOf(Kind);
}
