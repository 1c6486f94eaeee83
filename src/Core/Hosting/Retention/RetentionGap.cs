namespace EasyHard.Core.Hosting.Retention;

/// <summary>
/// What a position the broker could not serve means, given the partition's watermarks: how many records the broker
/// deleted before they were read, and where reading resumes. Kafka offsets are dense within a partition's log (a
/// transactional topic's control records take offsets too, so on such a topic the count includes them).
/// </summary>
/// <param name="Position">The position that was out of range; negative when there was none (no committed offset).</param>
/// <param name="Low">The partition's low watermark (its earliest record).</param>
/// <param name="High">The partition's high watermark (one past its last record).</param>
public readonly record struct RetentionGap(long Position, long Low, long High)
{
    /// <summary>Records deleted between the position and the earliest record still there.</summary>
    public long Lost => Position >= 0 && Position < Low ? Low - Position : 0;

    /// <summary>A position past the log's end: the log was truncated or replaced (a restarted mock cluster), nothing is known lost.</summary>
    public bool BeyondEnd => Position > High;

    /// <summary>Where reading resumes: the earliest record still there.</summary>
    public long ResumeAt => Low;
}
