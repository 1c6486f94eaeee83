using System.Text;
using Confluent.Kafka;

namespace EasyHard.Core.Kafka;

/// <summary>Reads a record's header as text.</summary>
public static class RecordHeaders
{
    /// <summary>The last value of header <paramref name="name"/> as UTF-8 text, or null when the record has none.</summary>
    public static string? Text(ConsumeResult<byte[], byte[]> record, string name)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Message.Headers?.TryGetLastBytes(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;
    }
}
