using Confluent.Kafka;

namespace EasyHard.Core.Kafka;

/// <summary>A decoded, valid input and the record it came from (an output names it as its <see cref="OutgoingMessage.Source"/>).</summary>
public readonly record struct Accepted<TInput>(TInput Value, ConsumeResult<byte[], byte[]> Record);
