namespace EasyHard.Sink.Persistence;

/// <summary>
/// Whether the Sink's schema has been migrated in this process, and why not yet. The migration retries in the
/// background while the database is unreachable at start; until it succeeds no batch may be written (the write would
/// fail on a missing table) and readiness says why, naming the key to check.
/// </summary>
public sealed class SchemaState
{
    private volatile string? _notReadyReason = "not migrated yet";

    public bool IsReady => _notReadyReason is null;

    /// <summary>Why the schema is not ready, or null when it is.</summary>
    public string? NotReadyReason => _notReadyReason;

    public void Ready() => _notReadyReason = null;

    public void NotReady(string reason) => _notReadyReason = reason;
}
