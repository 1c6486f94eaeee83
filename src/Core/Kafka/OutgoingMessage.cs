using Confluent.Kafka;

namespace EasyHard.Core.Kafka;

/// <summary>A record a batch processor wants produced; the Kafka shell produces it before committing input.</summary>
public sealed record OutgoingMessage(string Topic, byte[]? Key, byte[] Value, Headers? Headers = null);
