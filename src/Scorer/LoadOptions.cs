using System.ComponentModel.DataAnnotations;

namespace EasyHard.Scorer;

/// <summary>
/// When the scorer may shed work (section <c>Scorer:Load</c>). A batch consumed full means input is waiting, and the
/// scorer then uses <c>Scorer:Proxy:RehearsalRatioUnderLoad</c> and <c>Scorer:Neighbours:CapacityUnderLoad</c> to keep
/// up. Where trainers set the pace, keeping up gains nothing: the scored records wait for the trainers anyway. Naming
/// the trainers' consumer groups lets the scorer see that (<see cref="Load.TrainerPace"/>) and keep its full quality.
/// </summary>
public sealed class LoadOptions
{
    /// <summary>
    /// Consumer groups of the trainers that read <c>Topics:Weighted</c> (and <c>Topics:Quarantine</c>). Empty (the
    /// default): the scorer sheds work whenever a batch is consumed full.
    /// </summary>
    public List<string> TrainerGroups { get; set; } = [];

    /// <summary>
    /// The trainers set the pace while the slowest live one has at least this many records waiting for it on the
    /// trainer topics (its committed offsets to the topics' ends): then the scorer keeps its full quality under load.
    /// </summary>
    [Range(1, 100_000_000)] public long TrainerBacklogRecords { get; set; } = 512;

    /// <summary>A trainer group whose committed offsets have not moved for this long no longer counts (stopped or paused).</summary>
    [Range(1, 86_400)] public int TrainerIdleSeconds { get; set; } = 30;

    /// <summary>Milliseconds between two reads of the trainer groups' offsets.</summary>
    [Range(100, 600_000)] public int PollIntervalMs { get; set; } = 1_000;
}
