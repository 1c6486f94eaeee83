namespace EasyHard.Host.Composition;

/// <summary>Parses <c>--role</c> values.</summary>
public static class RoleNames
{
    public static Roles Parse(string value) => value.Trim().ToLowerInvariant() switch
    {
        "all" => Roles.All,
        "ingest" => Roles.Ingest,
        "scorer" => Roles.Scorer,
        "sink" => Roles.Sink,
        _ => throw new ArgumentException($"--role must be all, ingest, scorer or sink (got '{value}')."),
    };
}
