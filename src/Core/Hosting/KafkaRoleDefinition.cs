using EasyHard.Core.Configuration;

namespace EasyHard.Core.Hosting;

/// <summary>What the Kafka shell needs to know about a role: its name, input topics, group, batching and offset journal topic.</summary>
public sealed record KafkaRoleDefinition(string Role, IReadOnlyList<string> InputTopics, string GroupId, BatchingOptions Batching,
    string OffsetJournalTopic)
{
    /// <summary>Where the shell dead-letters an input whose output cannot be produced; <c>Topics:DeadLetter</c> when not set.</summary>
    public string? DeadLetterTopic { get; init; }
}
