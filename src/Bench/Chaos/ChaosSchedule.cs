namespace EasyHard.Bench.Chaos;

/// <summary>
/// The nemesis's plan, drawn from a seed before the run starts (Jepsen's generators: a random but reproducible schedule
/// of faults). Gaps between faults are exponential, so faults cluster and overlap as in production: a broker can be
/// down while a role is killed and a leader moves. Every enabled kind strikes at least once when the run is long
/// enough; after that each fault's kind is drawn uniformly. Pure: the same seed and settings give the same plan.
/// </summary>
public static class ChaosSchedule
{
    public static readonly string[] Roles = ["ingest", "scorer", "sink"];

    /// <summary>Topics whose leaders can move, by their <see cref="Core.Configuration.TopicOptions"/> key.</summary>
    public static readonly string[] TopicKeys = ["input", "samples", "scored", "weighted", "dead-letter", "offsets"];

    /// <summary>Kafka APIs whose next requests fail (keys of <see cref="ChaosRequestErrors"/>).</summary>
    public static IReadOnlyList<string> Apis => ChaosRequestErrors.Apis;

    /// <param name="duration">How long faults strike (the producer's run); none in the first few seconds (start-up).</param>
    /// <param name="meanGapSeconds">Mean time between faults.</param>
    /// <param name="churnRoles">Roles an extra member may join (the Sink only when several sinks may share the database).</param>
    public static IReadOnlyList<ChaosEvent> Plan(int seed, TimeSpan duration, IReadOnlyList<FaultKind> kinds, double meanGapSeconds,
        int brokers, IReadOnlyList<string> churnRoles)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(churnRoles);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(meanGapSeconds, 0);
        var random = new Random(seed);
        var start = Math.Min(5, duration.TotalSeconds * 0.1);
        var events = new List<ChaosEvent>();
        var firstRound = kinds.OrderBy(_ => random.Next()).ToList();
        for (var at = start + Exponential(random, meanGapSeconds); at < duration.TotalSeconds; at += Exponential(random, meanGapSeconds))
        {
            var kind = events.Count < firstRound.Count ? firstRound[events.Count] : kinds[random.Next(kinds.Count)];
            events.Add(Draw(random, Math.Round(at, 2), kind, brokers, churnRoles));
        }

        return events;
    }

    private static ChaosEvent Draw(Random random, double at, FaultKind kind, int brokers, IReadOnlyList<string> churnRoles)
    {
        double Hold(double min, double max) => Math.Round(min + (random.NextDouble() * (max - min)), 2);
        var choice = random.Next(1_000_000);
        return kind switch
        {
            FaultKind.Kill or FaultKind.Term => new(at, kind, Roles[random.Next(Roles.Length)], Hold(0.5, 2), choice),
            FaultKind.BrokerDown => new(at, kind, $"broker {1 + random.Next(brokers)}", Hold(2, 5), choice),
            FaultKind.LeaderMove => new(at, kind, TopicKeys[random.Next(TopicKeys.Length)], 0, choice),
            FaultKind.RequestErrors => new(at, kind, Apis[random.Next(Apis.Count)], 0, choice),
            FaultKind.Oversized or FaultKind.NearLimit => new(at, kind, "input", 0, choice),
            FaultKind.PostgresRestart => new(at, kind, "postgres", Hold(2, 5), choice),
            FaultKind.MemberChurn => new(at, kind, churnRoles[random.Next(churnRoles.Count)], Hold(3, 8), choice),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());
}
