namespace EasyHard.Host.Composition;

/// <summary>The roles one process runs.</summary>
[Flags]
public enum Roles
{
    None = 0,
    Ingest = 1,
    Scorer = 2,
    Sink = 4,
    All = Ingest | Scorer | Sink,
}
