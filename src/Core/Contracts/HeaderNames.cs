namespace EasyHard.Core.Contracts;

/// <summary>Kafka header names EasyHard writes on its output topics.</summary>
public static class HeaderNames
{
    public const string Weight = "easyhard-weight";
    public const string Difficulty = "easyhard-difficulty";
    public const string Noise = "easyhard-noise";
    public const string Influence = "easyhard-influence";
    public const string Bucket = "easyhard-bucket";
    public const string ModelVersion = "easyhard-model-version";
    public const string Error = "easyhard-error";
    public const string ErrorReason = "easyhard-error-reason";
    public const string SourceTopic = "easyhard-source-topic";
    public const string SourcePartition = "easyhard-source-partition";
    public const string SourceOffset = "easyhard-source-offset";
}
