using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts;

namespace EasyHard.Core.Kafka;

/// <summary>
/// Builds dead-letter records: the original bytes with a human-readable reason and provenance headers. An original
/// too large to be produced whole keeps a bounded prefix, its full size and its SHA-256, so the record is still
/// accounted for and can be matched against the producer's copy.
/// </summary>
public static class DeadLetters
{
    /// <summary>How much of an original value a dead letter keeps when the whole does not fit: enough to read its id.</summary>
    public const int PrefixBytes = 64 * 1024;

    /// <summary>The longest key a cut dead letter keeps (sample ids are at most 2,048 bytes; anything longer is cut too).</summary>
    public const int KeyPrefixBytes = 4 * 1024;

    /// <param name="reasonCode">Low-cardinality code (used as metric label), e.g. <c>label_out_of_range</c>.</param>
    /// <param name="message">Human-readable explanation.</param>
    public static OutgoingMessage Create(string deadLetterTopic, ConsumeResult<byte[], byte[]> source, string reasonCode, string message)
    {
        ArgumentNullException.ThrowIfNull(source);
        var headers = new Headers
        {
            { HeaderNames.Error, Encoding.UTF8.GetBytes(message) },
            { HeaderNames.ErrorReason, Encoding.UTF8.GetBytes(reasonCode) },
            { HeaderNames.SourceTopic, Encoding.UTF8.GetBytes(source.Topic ?? string.Empty) },
            { HeaderNames.SourcePartition, Encoding.UTF8.GetBytes(source.Partition.Value.ToString(CultureInfo.InvariantCulture)) },
            { HeaderNames.SourceOffset, Encoding.UTF8.GetBytes(source.Offset.Value.ToString(CultureInfo.InvariantCulture)) },
        };
        return new OutgoingMessage(deadLetterTopic, source.Message.Key, source.Message.Value ?? [], headers)
        {
            Source = source,
            DeadLetterReason = reasonCode,
        };
    }

    /// <summary>
    /// <paramref name="deadLetter"/> as it is when it fits in <paramref name="maxBytes"/> (as <see cref="RecordSize"/>
    /// counts), else <see cref="Truncate">cut to a prefix</see> that does.
    /// </summary>
    public static OutgoingMessage FitTo(OutgoingMessage deadLetter, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        return RecordSize.Of(deadLetter) <= maxBytes ? deadLetter : Truncate(deadLetter, maxBytes);
    }

    /// <summary>
    /// A copy of <paramref name="deadLetter"/> whose value is at most <see cref="PrefixBytes"/> of the original (less
    /// when <paramref name="maxBytes"/> leaves less room), whose key is at most <see cref="KeyPrefixBytes"/>, with
    /// headers naming the original value's size and SHA-256 and what was cut. Also used when a broker refused a dead
    /// letter that the producer's own limit let through (its topic's <c>max.message.bytes</c> is lower).
    /// </summary>
    public static OutgoingMessage Truncate(OutgoingMessage deadLetter, long maxBytes = long.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        var value = deadLetter.Value;
        var key = deadLetter.Key;
        var keyCut = key is not null && key.Length > KeyPrefixBytes;
        if (keyCut)
        {
            key = key![..KeyPrefixBytes];
        }

        var headers = new Headers();
        foreach (var header in deadLetter.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(HeaderNames.OriginalSize, Encoding.ASCII.GetBytes(value.Length.ToString(CultureInfo.InvariantCulture)));
        headers.Add(HeaderNames.OriginalSha256, Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(value))));
        headers.Add(HeaderNames.Truncated, keyCut ? "key,value"u8.ToArray() : "value"u8.ToArray());

        var room = maxBytes - RecordSize.Of(key?.Length ?? 0, 0, headers);
        var prefix = (int)Math.Clamp(room, 0, Math.Min(PrefixBytes, value.Length));
        return deadLetter with { Key = key, Value = value[..prefix], Headers = headers };
    }
}
