using System.Globalization;
using System.Text;
using Confluent.Kafka;
using EasyHard.Core.Contracts;

namespace EasyHard.Core.Kafka;

/// <summary>Builds dead-letter records: the original bytes with a human-readable reason and provenance headers.</summary>
public static class DeadLetters
{
    /// <param name="reasonCode">Low-cardinality code (used as metric label), e.g. <c>label_out_of_range</c>.</param>
    /// <param name="message">Human-readable explanation.</param>
    public static OutgoingMessage Create(string deadLetterTopic, ConsumeResult<byte[], byte[]> source, string reasonCode, string message)
    {
        var headers = new Headers
        {
            { HeaderNames.Error, Encoding.UTF8.GetBytes(message) },
            { HeaderNames.ErrorReason, Encoding.UTF8.GetBytes(reasonCode) },
            { HeaderNames.SourceTopic, Encoding.UTF8.GetBytes(source.Topic) },
            { HeaderNames.SourcePartition, Encoding.UTF8.GetBytes(source.Partition.Value.ToString(CultureInfo.InvariantCulture)) },
            { HeaderNames.SourceOffset, Encoding.UTF8.GetBytes(source.Offset.Value.ToString(CultureInfo.InvariantCulture)) },
        };
        return new OutgoingMessage(deadLetterTopic, source.Message.Key, source.Message.Value ?? [], headers);
    }
}
