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

    /// <summary>
    /// <c>all</c> (default: every sample that is not quarantined, with its weight) or <c>resample</c> (importance
    /// resampling with replacement for trainers that cannot use per-sample weights: see <see cref="ImportanceResampling"/>).
    /// </summary>
    [Required, RegularExpression("^(?i)(all|resample)$", ErrorMessage = "Sink:TrainerStream:Sampling must be all or resample.")]
    public string Sampling { get; set; } = "all";

    /// <summary>
    /// c of the resampled stream: a sample of weight w is emitted w / c times on average, each copy with weight c. At
    /// 1 (the weights' mean) the stream holds about as many records as samples scored; at or above the largest
    /// weight (<c>Scorer:Weighting:WeightMax</c>) every sample is emitted at most once, with probability w / c.
    /// </summary>
    [Range(0.1, 100.0)] public double ResampleCeiling { get; set; } = 1.0;

    public bool IsResampled => string.Equals(Sampling, "resample", StringComparison.OrdinalIgnoreCase);

    public bool IsEnvelope => string.Equals(Mode, TrainerStreamModes.Envelope, StringComparison.OrdinalIgnoreCase);
}
