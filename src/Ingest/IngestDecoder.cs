using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;
using EasyHard.Ingest.Parsing;

namespace EasyHard.Ingest;

/// <summary>Reads a producer's record (JSON or protobuf, by its content-type header) into a validated canonical sample with its origin.</summary>
internal sealed class IngestDecoder(IngestDecoder.ParseRecord parse) : IRecordDecoder<CanonicalSample>
{
    /// <summary>The signature of <see cref="SampleParser.Parse"/>.</summary>
    internal delegate SampleParseResult ParseRecord(ReadOnlyMemory<byte> value, string? contentType, ReadOnlySpan<byte> key, Origin origin);

    public Decoded<CanonicalSample> Decode(ConsumeResult<byte[], byte[]> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var origin = new Origin
        {
            Topic = record.Topic ?? string.Empty,
            Partition = record.Partition.Value,
            Offset = record.Offset.Value,
            TimestampUnixMs = record.Message.Timestamp.UnixTimestampMs,
        };
        var result = parse(record.Message.Value ?? [], ContentType(record.Message.Headers), record.Message.Key, origin);
        return result.IsAccepted
            ? Decoded<CanonicalSample>.Accept(result.Sample)
            : Decoded<CanonicalSample>.Reject(result.Rejection.Reason, result.Rejection.Message);
    }

    private static string? ContentType(Headers? headers)
    {
        if (headers is null)
        {
            return null;
        }

        // Kafka header names are case-sensitive, but HTTP habits put "Content-Type" on the wire too; the last one wins.
        for (var i = headers.Count - 1; i >= 0; i--)
        {
            var header = headers[i];
            if (string.Equals(header.Key, ContentTypes.HeaderName, StringComparison.OrdinalIgnoreCase))
            {
                return Encoding.UTF8.GetString(header.GetValueBytes() ?? []);
            }
        }

        return null;
    }
}
