using System.ComponentModel.DataAnnotations;

namespace EasyHard.Sink.TrainerStream;

/// <summary>How scored samples are handed to trainers (section <c>Sink:TrainerStream</c>).</summary>
public sealed class TrainerStreamOptions
{
    /// <summary><c>headers</c> (default: original bytes + headers) or <c>envelope</c> (JSON wrapper).</summary>
    [Required(AllowEmptyStrings = false)]
    public string Mode { get; set; } = TrainerStreamModes.Headers;

    /// <summary>
    /// When true, quarantined samples go to the quarantine topic instead of the weighted topic; when false they
    /// are kept away from trainers and only recorded in SQL (column <c>quarantined</c>).
    /// </summary>
    public bool EmitQuarantine { get; set; } = true;

    public bool IsEnvelope => string.Equals(Mode, TrainerStreamModes.Envelope, StringComparison.OrdinalIgnoreCase);
}
