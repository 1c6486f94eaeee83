using System.Text;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Ingest.Tests.BadInput;

namespace EasyHard.Ingest.Tests.Fuzzing;

/// <summary>One fuzzed record: value, content-type header and key.</summary>
internal sealed record FuzzInput(byte[] Value, string? ContentType, byte[]? Key);

/// <summary>
/// Deterministic mutations of valid JSON and protobuf samples (and of the bad-record corpus): bit flips, byte
/// writes, truncations, insertions of random bytes and of tokens that matter to the parsers, deletions,
/// duplications and splices of two records. Everything comes from one <see cref="Random"/>, so a seed reproduces
/// a whole run.
/// </summary>
internal sealed class RecordMutator(int seed)
{
    private const int MaxLength = 4096;

    private static readonly byte[][] Seeds = BuildSeeds();

    private static readonly byte[][] Tokens =
    [
        .. new[]
        {
            "NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e39", "-1", "-0", "3.5", "10", "2147483648", "0", "9",
            "\"", "\\", "{", "}", "[", "]", ",", ":", "null", "true", "\"\"", "\"NaN\"", "\"id\":\"\",", "\"id\":\"a\\u0000b\",",
            "\"label\":", "\"features\":", "\"features_b64\":\"", "\"attributes\":{\"k\":1},", "\"source\":\"\\n\",",
            "\\ud800", "\\u202E", "AAAA", "====", "/*", "\n", " ", "\t",
        }.Select(Encoding.UTF8.GetBytes),
        [0x00], [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], [0x0A, 0x7F], [0x12, 0x03],
        [0x18, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0x1A, 0x00], [0x3B], [0x2D, 0x00, 0x00, 0xC0, 0x7F], [0x15, 0x00, 0x00, 0x80, 0x7F],
    ];

    // Bad records are seeds too: a mutation of a bad record can turn it good, or bad in another way.
    private static readonly Lazy<byte[][]> SmallBadRecords = new(() =>
        [.. BadRecordCorpus.All.Select(r => r.Payload).Where(p => p.Length is > 0 and <= 2048)]);

    private static readonly string?[] ContentTypeChoices =
        [null, null, null, ContentTypes.Json, ContentTypes.Protobuf, "application/json; charset=utf-8", "application/protobuf", "text/plain", ""];

    private readonly Random _random = new(seed);

    /// <summary>The valid records mutations start from; every one is accepted as it is.</summary>
    public static IReadOnlyList<byte[]> ValidSeeds { get; } = Seeds;

    public FuzzInput Next()
    {
        var value = (byte[])Pick(_random.Next(4) == 0 ? SmallBadRecords.Value : Seeds).Clone();
        var mutations = 1 + _random.Next(3);
        for (var i = 0; i < mutations; i++)
        {
            value = Mutate(value);
        }

        if (value.Length > MaxLength)
        {
            value = value[..MaxLength];
        }

        var contentType = ContentTypeChoices[_random.Next(ContentTypeChoices.Length)];
        byte[]? key = _random.Next(3) switch
        {
            0 => null,
            1 => Encoding.UTF8.GetBytes($"key-{_random.Next(100)}"),
            _ => RandomBytes(1 + _random.Next(24)),
        };
        return new FuzzInput(value, contentType, key);
    }

    private byte[] Mutate(byte[] value)
    {
        if (value.Length == 0)
        {
            return Insert(value, 0, Pick(Tokens));
        }

        var at = _random.Next(value.Length);
        switch (_random.Next(10))
        {
            case 0:
                value[at] ^= (byte)(1 << _random.Next(8));
                return value;
            case 1:
                value[at] = (byte)_random.Next(256);
                return value;
            case 2:
                return value[..at];
            case 3:
                return Insert(value, at, RandomBytes(1 + _random.Next(8)));
            case 4:
            case 5:
                return Insert(value, at, Pick(Tokens));
            case 6:
                return [.. value[..at], .. value[Math.Min(value.Length, at + 1 + _random.Next(16))..]];
            case 7:
                var length = Math.Min(value.Length - at, 1 + _random.Next(64));
                return Insert(value, at, value[at..(at + length)]);
            case 8:
                var other = Pick(Seeds);
                return [.. value[..at], .. other[_random.Next(other.Length)..]];
            default:
                return ReplaceNumber(value, at);
        }
    }

    /// <summary>Replaces the run of digits at or after <paramref name="at"/> with a token: JSON-aware enough to reach validation.</summary>
    private byte[] ReplaceNumber(byte[] value, int at)
    {
        var start = Array.FindIndex(value, at, b => b is >= (byte)'0' and <= (byte)'9');
        if (start < 0)
        {
            return value;
        }

        var end = start;
        while (end < value.Length && value[end] is >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'e' or (byte)'-')
        {
            end++;
        }

        return [.. value[..start], .. Pick(Tokens), .. value[end..]];
    }

    private static byte[] Insert(byte[] value, int at, byte[] insert) => [.. value[..at], .. insert, .. value[at..]];

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];

    private static byte[][] BuildSeeds()
    {
        var full = TestSamples.Sample("s-full", 7, 0.5f, -1.25f, 3e10f, 1e-30f);
        full.Source = "web";
        full.HumanDifficulty = 0.75;
        full.Attributes.Add("split", "train");
        full.Attributes.Add("lang", "fr");
        return
        [
            BadRecordCorpus.ValidJson("s-1"),
            SampleJsonCodec.Write(full),
            SampleJsonCodec.Write(full, featuresAsBase64: true),
            SampleProtobufCodec.Write(full),
            SampleProtobufCodec.Write(TestSamples.Sample("p", 0)),
            SampleProtobufCodec.Write(new TrainingSample { Label = 2, Features = { 1, 2, 3, 4 } }),
            TestSamples.Json("\uFEFF  {\"label\":1.0,\"features\":[1e0,-2,3.25,4],\"unknown\":{\"a\":[1,{\"b\":null}]},\"id\":null}\n"),
            TestSamples.Json("{\"id\":\"é-ü\",\"features_b64\":\"AACAPwAAAEAAAEBAAACAQA==\",\"label\":9,\"attributes\":{}}"),
        ];
    }
}
