namespace EasyHard.Scorer.Load;

/// <summary>
/// Whether the trainers, not the scorer, set the pace of the stream: the slowest live trainer group has at least
/// <c>Scorer:Load:TrainerBacklogRecords</c> records waiting for it. Then a scorer with input waiting keeps its full
/// quality instead of shedding work to keep up: what it scores waits for that trainer anyway. A group counts while its
/// committed offsets move, or for <c>Scorer:Load:TrainerIdleSeconds</c> after they last moved: a stopped trainer's
/// backlog grows without anyone waiting on the scorer. Unknown (never observed, or the last read failed) reads as
/// false, the scorer's behaviour without trainer groups.
/// </summary>
public sealed class TrainerPace(LoadOptions options, TimeProvider time)
{
    private readonly Dictionary<string, (long Position, long MovedAt)> _seen = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private volatile bool _behind;

    /// <summary>The trainers set the pace: a full batch is no reason to shed work.</summary>
    public bool TrainersBehind => _behind;

    /// <summary>The backlog of the slowest live trainer group at the last read; null when none was live.</summary>
    public long? SlowestBacklog { get; private set; }

    /// <summary>Takes one read of every trainer group that has committed on the trainer topics.</summary>
    public void Observe(IEnumerable<TrainerProgress> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        lock (_gate)
        {
            var now = time.GetTimestamp();
            long? slowest = null;
            foreach (var group in groups)
            {
                if (!_seen.TryGetValue(group.Group, out var seen) || seen.Position != group.Position)
                {
                    _seen[group.Group] = seen = (group.Position, now);
                }

                ScorerMetrics.TrainerBacklog.WithLabels(group.Group).Set(group.Backlog);
                if (time.GetElapsedTime(seen.MovedAt, now).TotalSeconds < options.TrainerIdleSeconds)
                {
                    slowest = Math.Max(slowest ?? 0, group.Backlog);
                }
            }

            SlowestBacklog = slowest;
            Set(slowest >= options.TrainerBacklogRecords);
        }
    }

    /// <summary>The trainer groups could not be read: the scorer sheds as it would without them until the next read.</summary>
    public void Unknown()
    {
        lock (_gate)
        {
            SlowestBacklog = null;
            Set(false);
        }
    }

    private void Set(bool behind)
    {
        _behind = behind;
        ScorerMetrics.TrainersBehind.Set(behind ? 1 : 0);
    }
}
