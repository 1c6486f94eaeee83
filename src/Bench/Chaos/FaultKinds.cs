namespace EasyHard.Bench.Chaos;

/// <summary>The <c>--faults</c> names of <see cref="FaultKind"/> (kebab case, as the CLI spells them) and the preset sets.</summary>
public static class FaultKinds
{
    private static readonly (FaultKind Kind, string Name)[] Names =
    [
        (FaultKind.Kill, "kill"),
        (FaultKind.Term, "term"),
        (FaultKind.BrokerDown, "broker-down"),
        (FaultKind.LeaderMove, "leader-move"),
        (FaultKind.RequestErrors, "request-errors"),
        (FaultKind.Oversized, "oversized"),
        (FaultKind.NearLimit, "near-limit"),
        (FaultKind.PostgresRestart, "postgres-restart"),
        (FaultKind.MemberChurn, "member-churn"),
    ];

    /// <summary>Every kind: the run the issue asks for.</summary>
    public static IReadOnlyList<FaultKind> All { get; } = [.. Names.Select(n => n.Kind)];

    public static string NameOf(FaultKind kind) => Names.Single(n => n.Kind == kind).Name;

    /// <summary>Parses <c>kill,term,...</c> or <c>all</c>; an unknown name is a <see cref="FormatException"/> that lists the known ones.</summary>
    public static IReadOnlyList<FaultKind> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts is ["all"])
        {
            return All;
        }

        var kinds = new List<FaultKind>();
        foreach (var part in parts)
        {
            var match = Names.Where(n => string.Equals(n.Name, part, StringComparison.OrdinalIgnoreCase)).Select(n => (FaultKind?)n.Kind).SingleOrDefault()
                ?? throw new FormatException($"unknown fault kind '{part}'; known: all, {string.Join(", ", Names.Select(n => n.Name))}");
            if (!kinds.Contains(match))
            {
                kinds.Add(match);
            }
        }

        return kinds.Count > 0 ? kinds : throw new FormatException("--faults names no fault kind");
    }
}
