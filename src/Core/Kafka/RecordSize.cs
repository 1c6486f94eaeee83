using Confluent.Kafka;

namespace EasyHard.Core.Kafka;

/// <summary>
/// How large a record is on the wire, as librdkafka counts it against the producer's <c>message.max.bytes</c>: key,
/// value and headers plus the record's own framing. librdkafka refuses a larger record at <c>Produce</c> with
/// <c>MSG_SIZE_TOO_LARGE</c>; the shell measures first, so that such a record is dead-lettered, not retried.
/// </summary>
public static class RecordSize
{
    /// <summary>librdkafka's default <c>message.max.bytes</c>.</summary>
    public const int LibrdkafkaDefaultMaxBytes = 1_000_000;

    /// <summary>
    /// Framing of one record, rounded up: librdkafka adds at most 36 bytes (the varints of a v2 record,
    /// <c>RD_KAFKAP_MESSAGE_V2_MAX_OVERHEAD</c>) and a record batch's header is 61; the rest is margin.
    /// </summary>
    public const int Framing = 512;

    /// <summary>Per header, besides its name and value: the two length varints, rounded up.</summary>
    private const int PerHeader = 10;

    public static long Of(OutgoingMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Of(message.Key?.Length ?? 0, message.Value.Length, message.Headers);
    }

    public static long Of(int keyBytes, int valueBytes, Headers? headers)
    {
        long size = Framing + keyBytes + valueBytes;
        if (headers is not null)
        {
            foreach (var header in headers)
            {
                size += PerHeader + System.Text.Encoding.UTF8.GetByteCount(header.Key) + (header.GetValueBytes()?.Length ?? 0);
            }
        }

        return size;
    }
}
