using EasyHard.Core.Configuration;

namespace EasyHard.Sink;

/// <summary>Which role dead-lettered a record, from the topic it was read from (its <c>easyhard-source-topic</c> header).</summary>
public static class DeadLetterRoles
{
    /// <summary>A dead letter without the header (not written by EasyHard), or without a reason.</summary>
    public const string Unknown = "unknown";

    /// <summary>ingest, scorer or sink for the topics they read; otherwise the source topic itself.</summary>
    public static string Of(string? sourceTopic, TopicOptions topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        if (string.IsNullOrEmpty(sourceTopic))
        {
            return Unknown;
        }

        if (sourceTopic == topics.Input)
        {
            return "ingest";
        }

        if (sourceTopic == topics.Samples || sourceTopic == topics.Feedback || sourceTopic == topics.Targets)
        {
            return "scorer";
        }

        return sourceTopic == topics.Scored ? "sink" : sourceTopic;
    }
}
