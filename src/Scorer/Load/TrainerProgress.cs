namespace EasyHard.Scorer.Load;

/// <summary>One partition of a trainer topic as a trainer group stands on it: its committed offset (negative: none) and the partition's bounds.</summary>
public readonly record struct TrainerPartition(string Topic, int Partition, long Committed, long Low, long High);

/// <summary>
/// Where one trainer group stands on the trainer topics: <see cref="Position"/>, the sum of its committed offsets
/// (it moves while the trainer trains), and <see cref="Backlog"/>, the records waiting for it.
/// </summary>
public readonly record struct TrainerProgress(string Group, long Position, long Backlog)
{
    /// <summary>
    /// The group's progress over the topics it has committed on (a trainer reading only the weighted topic has nothing
    /// waiting on the quarantine topic); a partition of such a topic it has not committed on yet waits from its start.
    /// Null when the group has committed on none of them: it has not started, or does not exist.
    /// </summary>
    public static TrainerProgress? Of(string group, IEnumerable<TrainerPartition> partitions)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        var read = partitions.GroupBy(p => p.Topic).Where(topic => topic.Any(p => p.Committed >= 0)).SelectMany(topic => topic).ToList();
        if (read.Count == 0)
        {
            return null;
        }

        long position = 0, backlog = 0;
        foreach (var p in read)
        {
            var from = p.Committed >= 0 ? Math.Clamp(p.Committed, p.Low, Math.Max(p.Low, p.High)) : p.Low;
            position += Math.Max(0, p.Committed);
            backlog += Math.Max(0, p.High - from);
        }

        return new TrainerProgress(group, position, backlog);
    }
}
