using System.ComponentModel.DataAnnotations;

namespace EasyHard.Core.Configuration;

/// <summary>Topic names (section <c>Topics</c>); the defaults follow the design's data flow.</summary>
public sealed class TopicOptions
{
    public const string SectionName = "Topics";

    /// <summary>What producers write.</summary>
    [Required(AllowEmptyStrings = false)] public string Input { get; set; } = "training-samples";

    /// <summary>Canonical protobuf samples, keyed by id.</summary>
    [Required(AllowEmptyStrings = false)] public string Samples { get; set; } = "easyhard.samples";

    /// <summary>Canonical samples with scores and weight.</summary>
    [Required(AllowEmptyStrings = false)] public string Scored { get; set; } = "easyhard.scored";

    /// <summary>The trainer stream: original bytes with easyhard-* headers.</summary>
    [Required(AllowEmptyStrings = false)] public string Weighted { get; set; } = "easyhard.weighted";

    /// <summary>Samples whose noise score passed the quarantine threshold.</summary>
    [Required(AllowEmptyStrings = false)] public string Quarantine { get; set; } = "easyhard.quarantine";

    /// <summary>Dead letters: original bytes of every record that could not be accepted.</summary>
    [Required(AllowEmptyStrings = false)] public string DeadLetter { get; set; } = "easyhard.dlq";

    /// <summary>Per-sample losses published by trainers.</summary>
    [Required(AllowEmptyStrings = false)] public string Feedback { get; set; } = "easyhard.feedback";

    /// <summary>
    /// Offset journal of the exactly-once hops (see <see cref="DeliveryOptions.OffsetJournal"/>): each transaction
    /// also records the input offsets it consumed here, as data, so a restarted or new member resumes exactly there
    /// even on a cluster that does not keep transactional offset commits.
    /// </summary>
    [Required(AllowEmptyStrings = false)] public string OffsetJournal { get; set; } = "easyhard.offsets";

    /// <summary>
    /// Scale-out: each scorer instance's latest proxy and statistics, keyed by instance id (compacted; one record per
    /// instance is all a reader needs).
    /// </summary>
    [Required(AllowEmptyStrings = false)] public string Model { get; set; } = "easyhard.model";

    /// <summary>
    /// Scale-out: the scorer's per-id history, keyed by sample id, in the partition of the input it came from
    /// (compacted; a changelog restored when its input partition is assigned, as Kafka Streams restores a state store).
    /// </summary>
    [Required(AllowEmptyStrings = false)] public string ScorerState { get; set; } = "easyhard.scorer-state";

    /// <summary>
    /// Influence target samples (JSON or protobuf <c>TrainingSample</c>s, e.g. a curated validation set); empty (the
    /// default) disables it and influence is measured against a reservoir of recent samples judged clean.
    /// </summary>
    public string Targets { get; set; } = string.Empty;

    /// <summary>Number of partitions used when EasyHard creates topics itself (embedded cluster).</summary>
    [Range(1, 1024)] public int Partitions { get; set; } = 8;

    public IEnumerable<string> All() => string.IsNullOrWhiteSpace(Targets)
        ? [Input, Samples, Scored, Weighted, Quarantine, DeadLetter, Feedback, OffsetJournal, Model, ScorerState]
        : [Input, Samples, Scored, Weighted, Quarantine, DeadLetter, Feedback, OffsetJournal, Model, ScorerState, Targets];
}
