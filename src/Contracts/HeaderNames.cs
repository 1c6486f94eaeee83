namespace EasyHard.Contracts;

/// <summary>Kafka header names EasyHard writes on its output topics.</summary>
public static class HeaderNames
{
    public const string Weight = "easyhard-weight";
    public const string Difficulty = "easyhard-difficulty";
    public const string Noise = "easyhard-noise";
    public const string Influence = "easyhard-influence";
    public const string Bucket = "easyhard-bucket";

    /// <summary>The label the scorer suggests (a class index, ASCII decimal); absent when it has none.</summary>
    public const string SuggestedLabel = "easyhard-suggested-label";

    /// <summary>The suggested label's probability (ASCII decimal in [0, 1]); absent when there is no suggestion.</summary>
    public const string SuggestedLabelP = "easyhard-suggested-label-p";
    public const string ModelVersion = "easyhard-model-version";
    public const string Error = "easyhard-error";
    public const string ErrorReason = "easyhard-error-reason";
    public const string SourceTopic = "easyhard-source-topic";
    public const string SourcePartition = "easyhard-source-partition";
    public const string SourceOffset = "easyhard-source-offset";

    /// <summary>On a dead letter cut to a prefix: the original value's size in bytes (ASCII decimal).</summary>
    public const string OriginalSize = "easyhard-original-size";

    /// <summary>On a dead letter cut to a prefix: the SHA-256 of the original value (lowercase hex).</summary>
    public const string OriginalSha256 = "easyhard-original-sha256";

    /// <summary>On a dead letter cut to a prefix: what was cut, <c>value</c> or <c>key,value</c>.</summary>
    public const string Truncated = "easyhard-truncated";
}
