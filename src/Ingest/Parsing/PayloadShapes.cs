using EasyHard.Contracts.Codecs;

namespace EasyHard.Ingest.Parsing;

/// <summary>
/// Names what a record that is neither a JSON sample nor a protobuf one looks like, so its dead letter says what to
/// fix ("gzip-compressed", "UTF-16 JSON", "a JSON array") instead of how the parser failed on it ("read as
/// protobuf: invalid wire type"). Only consulted after parsing failed, so a valid record never pays for it.
/// </summary>
internal static class PayloadShapes
{
    // Magic numbers of the compressed formats a producer might apply to a value by hand.
    private static readonly (string Name, byte[] Magic)[] Compressed =
    [
        ("gzip", [0x1F, 0x8B]),
        ("zstd", [0x28, 0xB5, 0x2F, 0xFD]),
        ("lz4", [0x04, 0x22, 0x4D, 0x18]),
        ("snappy (framed)", [0xFF, 0x06, 0x00, 0x00, 0x73, 0x4E, 0x61, 0x50, 0x70, 0x59]),
        ("xz", [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]),
        ("bzip2", [0x42, 0x5A, 0x68]),
        ("zip", [0x50, 0x4B, 0x03, 0x04]),
    ];

    /// <summary>The rejection that describes <paramref name="payload"/>'s shape, or null when it has none of these.</summary>
    public static Rejection? Recognize(ReadOnlySpan<byte> payload)
    {
        foreach (var (name, magic) in Compressed)
        {
            if (payload.StartsWith(magic))
            {
                return new Rejection(RejectReasons.CompressedPayload,
                    $"the value is {name}-compressed (it starts with {Convert.ToHexStringLower(magic)}); send uncompressed JSON or protobuf and let the producer compress batches (compression.type)");
            }
        }

        if (Utf16Order(payload) is { } order)
        {
            return new Rejection(RejectReasons.Utf16Json, $"the value is JSON encoded as UTF-16 ({order}); encode it as UTF-8");
        }

        var text = payload.TrimStart(" \t\r\n"u8);
        if (text.StartsWith("\uFEFF"u8))
        {
            text = text[3..].TrimStart(" \t\r\n"u8);
        }

        return !text.IsEmpty && text[0] == (byte)'['
            ? new Rejection(RejectReasons.JsonArray, "the value is a JSON array; send one sample object per record")
            : null;
    }

    /// <summary>"little-endian" or "big-endian" when the payload is UTF-16 text beginning a JSON value, else null.</summary>
    private static string? Utf16Order(ReadOnlySpan<byte> payload)
    {
        if (payload.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return "little-endian, with a byte order mark";
        }

        if (payload.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return "big-endian, with a byte order mark";
        }

        // Without a mark: an ASCII character beside a zero byte, skipping UTF-16 whitespace pairs.
        var i = 0;
        while (i + 1 < payload.Length && IsWhitespacePair(payload[i], payload[i + 1]))
        {
            i += 2;
        }

        if (i + 1 >= payload.Length)
        {
            return null;
        }

        return (payload[i], payload[i + 1]) switch
        {
            ((byte)'{' or (byte)'[', 0) => "little-endian",
            (0, (byte)'{' or (byte)'[') => "big-endian",
            _ => null,
        };
    }

    private static bool IsWhitespacePair(byte a, byte b) =>
        (a is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' && b == 0) || (a == 0 && b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n');
}
