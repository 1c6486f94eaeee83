using EasyHard.Core.Configuration;

namespace EasyHard.Core.Hosting;

/// <summary>What the Kafka shell needs to know about a role: its name, input topics, group and batching.</summary>
public sealed record KafkaRoleDefinition(string Role, IReadOnlyList<string> InputTopics, string GroupId, BatchingOptions Batching);
