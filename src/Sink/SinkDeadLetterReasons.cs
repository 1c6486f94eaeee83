namespace EasyHard.Sink;

/// <summary>Reason codes of the Sink's dead letters (the <c>easyhard-error-reason</c> header and metric label).</summary>
public static class SinkDeadLetterReasons
{
    /// <summary>The value is not a <c>ScoredSample</c> protobuf.</summary>
    public const string Unparsable = "unparsable";

    /// <summary>No canonical sample, no id, or no scores.</summary>
    public const string Incomplete = "incomplete";

    /// <summary>A string contains U+0000, which PostgreSQL text cannot store (it would fail the batch forever).</summary>
    public const string InvalidText = "invalid_text";

    /// <summary>A score or the weight is NaN or infinite; trainers and SQL need finite numbers.</summary>
    public const string NonFiniteScore = "non_finite_score";
}
