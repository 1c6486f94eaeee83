using System.Text;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;

namespace EasyHard.Ingest.Tests.BadInput;

/// <summary>One kind of bad record: what arrives (value, content-type header, key) and the reason it must get.</summary>
internal sealed record BadRecord(string Kind, byte[] Payload, string? ContentType, string Reason, byte[]? Key = null);

/// <summary>
/// Every kind of bad record Ingest must dead-letter, one case per kind, each with the exact reason code. The schema
/// is <see cref="TestSamples"/>' (4 features, 10 classes, 16-byte ids) with the production record limit (1 MiB), so
/// deep nesting and huge arrays fail on their own merits, not on size.
/// </summary>
internal static class BadRecordCorpus
{
    private const string Json = ContentTypes.Json;
    private const string Proto = ContentTypes.Protobuf;
    private const string Features = "\"features\":[1,2,3,4]";

    public static SampleSchemaOptions Schema
    {
        get
        {
            var schema = TestSamples.Schema;
            schema.MaxRecordBytes = 1024 * 1024;
            return schema;
        }
    }

    public static IReadOnlyList<BadRecord> All { get; } = Build();

    public static IReadOnlyDictionary<string, BadRecord> ByKind { get; } = All.ToDictionary(r => r.Kind, StringComparer.Ordinal);

    /// <summary>A JSON sample the schema accepts: the neighbour of bad records in batch tests and the fuzzer's seed.</summary>
    public static byte[] ValidJson(string id) => TestSamples.Json($$"""{"id":"{{id}}",{{Features}},"label":3}""");

    private static List<BadRecord> Build()
    {
        var records = new List<BadRecord>();
        void Add(string kind, byte[] payload, string? contentType, string reason, byte[]? key = null) =>
            records.Add(new BadRecord(kind, payload, contentType, reason, key));
        void AddJson(string kind, string text, string reason, string? contentType = null) =>
            Add(kind, TestSamples.Json(text), contentType, reason);

        // Framing: size, emptiness, content type.
        Add("empty value", [], null, RejectReasons.EmptyPayload);
        AddJson("whitespace only", "  \n\t ", RejectReasons.EmptyPayload);
        AddJson("whitespace only, declared JSON", "   ", RejectReasons.EmptyPayload, Json);
        AddJson("byte order mark only", "\uFEFF", RejectReasons.EmptyPayload);
        Add("one byte over the record limit", PaddedJson(Schema.MaxRecordBytes + 1), Json, RejectReasons.Oversized);
        Add("10 MB record", PaddedJson(10 * 1024 * 1024), null, RejectReasons.Oversized);
        AddJson("unsupported content type", "id,label\ns-1,3", RejectReasons.UnsupportedContentType, "text/csv");
        Add("content type forging a log line", Protobuf(Sample()), "text/plain\nINFO all good", RejectReasons.UnsupportedContentType);
        Add("octet-stream content type", Protobuf(Sample()), "application/octet-stream", RejectReasons.UnsupportedContentType);
        AddJson("content-type says protobuf, value is JSON", $$"""{"id":"s-1",{{Features}},"label":3}""", RejectReasons.ContentTypeMismatch, Proto);
        Add("content-type says JSON, value is protobuf", Protobuf(Sample()), Json, RejectReasons.ContentTypeMismatch);

        // Protobuf framing and wire types.
        Add("random bytes", RandomBytes(), null, RejectReasons.UnparsableProtobuf);
        Add("truncated protobuf", Protobuf(Sample())[..^3], Proto, RejectReasons.UnparsableProtobuf);
        Add("truncated protobuf, sniffed", Protobuf(Sample())[..^3], null, RejectReasons.UnparsableProtobuf);
        Add("protobuf label as length-delimited", [0x1A, 0x01, 0x00], Proto, RejectReasons.UnparsableProtobuf);
        Add("protobuf id as varint", [0x08, 0x01], Proto, RejectReasons.UnparsableProtobuf);
        Add("protobuf features as fixed64", [0x11, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F], Proto, RejectReasons.UnparsableProtobuf);
        Add("protobuf human_difficulty as fixed32", [0x2D, 0, 0, 0x80, 0x3F], Proto, RejectReasons.UnparsableProtobuf);
        Add("protobuf with only unknown fields", [0xA0, 0x01, 0x05], null, RejectReasons.UnparsableProtobuf);
        Add("protobuf packed features of 3 bytes", [0x12, 0x03, 0x00, 0x00, 0x80], Proto, RejectReasons.UnparsableProtobuf);
        Add("protobuf varint longer than 10 bytes", [0x18, .. Enumerable.Repeat((byte)0xFF, 11), 0x01], Proto, RejectReasons.UnparsableProtobuf);
        Add("protobuf length prefix of 2 GiB", [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x61], Proto, RejectReasons.UnparsableProtobuf);
        Add("protobuf field number 0", [0x02, 0x01, 0x61, 0x18, 0x01], Proto, RejectReasons.UnparsableProtobuf);
        Add("protobuf 10,000 nested groups", [0x18, 0x01, .. Enumerable.Repeat((byte)0x3B, 10_000)], Proto, RejectReasons.UnparsableProtobuf);
        Add("protobuf id not UTF-8", [0x0A, 0x02, 0xC3, 0x28, 0x18, 0x01], Proto, RejectReasons.InvalidUtf8);
        Add("protobuf source not UTF-8", [.. Protobuf(Sample()), 0x22, 0x01, 0xFF], Proto, RejectReasons.InvalidUtf8);
        Add("protobuf attribute value not UTF-8", [.. Protobuf(Sample()), 0x32, 0x07, 0x0A, 0x01, 0x6B, 0x12, 0x02, 0xC3, 0x28], Proto, RejectReasons.InvalidUtf8);
        AddJson("plain text without header", "hello world", RejectReasons.UnparsableProtobuf);

        // Shapes a producer gets wrong wholesale: said by what the record looks like, not by how parsing failed.
        Add("gzip-compressed JSON, sniffed", Gzip(ValidJson("s-1")), null, RejectReasons.CompressedPayload);
        Add("gzip-compressed JSON, declared JSON", Gzip(ValidJson("s-1")), Json, RejectReasons.CompressedPayload);
        Add("zstd frame, sniffed", [0x28, 0xB5, 0x2F, 0xFD, 0x20, 0x05, 0x29, 0x00, 0x00], null, RejectReasons.CompressedPayload);
        Add("UTF-16 JSON with BOM, sniffed", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes($"{{{Features},\"label\":3}}")], null, RejectReasons.Utf16Json);
        Add("UTF-16 little-endian JSON without BOM, sniffed", Encoding.Unicode.GetBytes($"{{{Features},\"label\":3}}"), null, RejectReasons.Utf16Json);
        Add("UTF-16 big-endian JSON without BOM, sniffed", Encoding.BigEndianUnicode.GetBytes($" {{{Features},\"label\":3}}"), null, RejectReasons.Utf16Json);
        AddJson("JSON array of samples, sniffed", $"[{{{Features},\"label\":3}}]", RejectReasons.JsonArray);

        // Protobuf values.
        Add("protobuf NaN feature", Protobuf(Sample(features: [1, float.NaN, 3, 4])), Proto, RejectReasons.NonFiniteFeature);
        Add("protobuf +Infinity feature", Protobuf(Sample(features: [1, 2, float.PositiveInfinity, 4])), null, RejectReasons.NonFiniteFeature);
        Add("protobuf -Infinity feature", Protobuf(Sample(features: [float.NegativeInfinity, 2, 3, 4])), Proto, RejectReasons.NonFiniteFeature);
        Add("protobuf NaN with payload bits", Protobuf(Sample(features: [1, 2, 3, BitConverter.Int32BitsToSingle(0x7FC0_1234)])), Proto, RejectReasons.NonFiniteFeature);
        Add("protobuf wrong dimension", Protobuf(Sample(features: [1, 2, 3, 4, 5])), Proto, RejectReasons.WrongDimension);
        Add("protobuf without features", Protobuf(new TrainingSample { Id = "s-1", Label = 3 }), Proto, RejectReasons.WrongDimension);
        Add("protobuf label negative", Protobuf(Sample(label: -3)), Proto, RejectReasons.LabelOutOfRange);
        Add("protobuf label int32 max", Protobuf(Sample(label: int.MaxValue)), Proto, RejectReasons.LabelOutOfRange);
        Add("protobuf human_difficulty NaN", Protobuf(With(Sample(), s => s.HumanDifficulty = double.NaN)), Proto, RejectReasons.NonFiniteHumanDifficulty);
        Add("protobuf human_difficulty +Infinity", Protobuf(With(Sample(), s => s.HumanDifficulty = double.PositiveInfinity)), Proto, RejectReasons.NonFiniteHumanDifficulty);
        Add("protobuf id with newline", Protobuf(Sample(id: "a\nb")), Proto, RejectReasons.InvalidId);
        Add("protobuf id too long", Protobuf(Sample(id: new string('p', TestSamples.MaxIdLength + 1))), Proto, RejectReasons.IdTooLong);
        Add("protobuf source with NUL", Protobuf(With(Sample(), s => s.Source = "web\0x")), Proto, RejectReasons.InvalidSource);
        Add("protobuf too many attributes", Protobuf(With(Sample(), s => AddAttributes(s, SampleLimits.MaxAttributes + 1))), Proto, RejectReasons.TooManyAttributes);

        // JSON syntax and shape.
        AddJson("JSON syntax error", "{\"id\":\"s-1\",\"label\":3,", RejectReasons.UnparsableJson);
        AddJson("JSON truncated", $"{{{Features},\"label\":3", RejectReasons.UnparsableJson, Json);
        AddJson("JSON with a comment", $"{{{Features},/* c */\"label\":3}}", RejectReasons.UnparsableJson);
        AddJson("JSON trailing comma", $"{{{Features},\"label\":3,}}", RejectReasons.UnparsableJson);
        AddJson("JSON single-quoted strings", "{'features':[1,2,3,4],'label':3}", RejectReasons.UnparsableJson);
        AddJson("JSON unquoted keys", "{features:[1,2,3,4],label:3}", RejectReasons.UnparsableJson);
        AddJson("JSON top-level array of samples", $"[{{{Features},\"label\":3}},{{{Features},\"label\":4}}]", RejectReasons.JsonArray, Json);
        AddJson("JSON null", "null", RejectReasons.JsonNotObject, Json);
        AddJson("JSON top-level string", "\"s-1\"", RejectReasons.JsonNotObject, Json);
        AddJson("JSON top-level number", "42", RejectReasons.JsonNotObject, Json);
        AddJson("JSON 10,000 nested arrays at top level", new string('[', 10_000) + new string(']', 10_000), RejectReasons.JsonArray, Json);
        AddJson("JSON trailing garbage", $"{{{Features},\"label\":3}} x", RejectReasons.JsonTrailingData);
        AddJson("JSON two samples concatenated", $"{{{Features},\"label\":3}}{{{Features},\"label\":4}}", RejectReasons.JsonTrailingData);
        AddJson("JSON lines in one record", $"{{{Features},\"label\":3}}\n{{{Features},\"label\":4}}\n", RejectReasons.JsonTrailingData);
        AddJson("JSON trailing NUL byte", $"{{{Features},\"label\":3}}\0", RejectReasons.JsonTrailingData);
        AddJson("JSON nested 7 levels in an unknown field", $"{{\"x\":{Nested(7)},{Features},\"label\":3}}", RejectReasons.JsonTooDeep);
        AddJson("JSON 10,000 nested arrays", $"{{\"x\":{Nested(10_000)},{Features},\"label\":3}}", RejectReasons.JsonTooDeep);
        AddJson("JSON 10,000 nested objects", "{" + string.Concat(Enumerable.Repeat("\"x\":{", 10_000)) + new string('}', 10_001), RejectReasons.JsonTooDeep);

        // Text encoding.
        Add("JSON invalid UTF-8", [.. "{\"id\":\""u8, 0xFF, 0xFE, .. "\",\"features\":[1,2,3,4],\"label\":3}"u8], null, RejectReasons.InvalidUtf8);
        Add("JSON encoded as UTF-16 with BOM", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes($"{{{Features},\"label\":3}}")], Json, RejectReasons.Utf16Json);
        Add("JSON overlong UTF-8 sequence", [.. "{\"id\":\"a"u8, 0xC0, 0xAF, .. "\",\"features\":[1,2,3,4],\"label\":3}"u8], null, RejectReasons.InvalidUtf8);
        Add("JSON UTF-8 encoded surrogate", [.. "{\"id\":\"a"u8, 0xED, 0xA0, 0x80, .. "\",\"features\":[1,2,3,4],\"label\":3}"u8], null, RejectReasons.InvalidUtf8);
        AddJson("JSON id escaping an unpaired surrogate", $"{{\"id\":\"\\ud800\",{Features},\"label\":3}}", RejectReasons.InvalidUtf8);
        AddJson("property name escaping an unpaired surrogate", $"{{\"f\\ud800eatures\":1,{Features},\"label\":3}}", RejectReasons.InvalidUtf8);
        AddJson("features_b64 escaping an unpaired surrogate", "{\"features_b64\":\"AAAA\\ud800AAA=\",\"label\":3}", RejectReasons.InvalidUtf8);

        // JSON field types.
        AddJson("id number", $"{{\"id\":42,{Features},\"label\":3}}", RejectReasons.InvalidFieldType);
        AddJson("id object", $"{{\"id\":{{\"v\":\"s-1\"}},{Features},\"label\":3}}", RejectReasons.InvalidFieldType);
        AddJson("features string", "{\"features\":\"1,2,3,4\",\"label\":3}", RejectReasons.InvalidFieldType);
        AddJson("features object", "{\"features\":{\"0\":1,\"1\":2,\"2\":3,\"3\":4},\"label\":3}", RejectReasons.InvalidFieldType);
        AddJson("features number", "{\"features\":1,\"label\":3}", RejectReasons.InvalidFieldType);
        AddJson("feature element string", "{\"features\":[1,\"two\",3,4],\"label\":3}", RejectReasons.InvalidFieldType);
        AddJson("feature element null", "{\"features\":[1,null,3,4],\"label\":3}", RejectReasons.InvalidFieldType);
        AddJson("feature element boolean", "{\"features\":[1,true,3,4],\"label\":3}", RejectReasons.InvalidFieldType);
        AddJson("feature element nested array", "{\"features\":[[1,2],3,4,5],\"label\":3}", RejectReasons.InvalidFieldType);
        AddJson("features_b64 array", "{\"features_b64\":[1,2,3,4],\"label\":3}", RejectReasons.InvalidFieldType);
        AddJson("source number", $"{{{Features},\"label\":3,\"source\":7}}", RejectReasons.InvalidFieldType);
        AddJson("attributes array", $"{{{Features},\"label\":3,\"attributes\":[\"split\",\"train\"]}}", RejectReasons.InvalidFieldType);
        AddJson("attribute value number", $"{{{Features},\"label\":3,\"attributes\":{{\"split\":1}}}}", RejectReasons.InvalidFieldType);
        AddJson("attribute value null", $"{{{Features},\"label\":3,\"attributes\":{{\"split\":null}}}}", RejectReasons.InvalidFieldType);
        AddJson("attribute value object", $"{{{Features},\"label\":3,\"attributes\":{{\"split\":{{\"a\":\"b\"}}}}}}", RejectReasons.InvalidFieldType);
        AddJson("human_difficulty string", $"{{{Features},\"label\":3,\"human_difficulty\":\"hard\"}}", RejectReasons.InvalidFieldType);
        AddJson("human_difficulty boolean", $"{{{Features},\"label\":3,\"human_difficulty\":true}}", RejectReasons.InvalidFieldType);

        // Labels.
        AddJson("label missing", $"{{\"id\":\"s-1\",{Features}}}", RejectReasons.MissingLabel);
        AddJson("label null", $"{{{Features},\"label\":null}}", RejectReasons.MissingLabel);
        AddJson("label fractional", $"{{{Features},\"label\":2.5}}", RejectReasons.LabelNotInteger);
        AddJson("label string", $"{{{Features},\"label\":\"3\"}}", RejectReasons.LabelNotInteger);
        AddJson("label boolean", $"{{{Features},\"label\":true}}", RejectReasons.LabelNotInteger);
        AddJson("label array", $"{{{Features},\"label\":[3]}}", RejectReasons.LabelNotInteger);
        AddJson("label object", $"{{{Features},\"label\":{{\"class\":3}}}}", RejectReasons.LabelNotInteger);
        AddJson("label equal to classes", $"{{{Features},\"label\":10}}", RejectReasons.LabelOutOfRange);
        AddJson("label negative", $"{{{Features},\"label\":-1}}", RejectReasons.LabelOutOfRange);
        AddJson("label beyond int32", $"{{{Features},\"label\":1e20}}", RejectReasons.LabelOutOfRange);
        AddJson("label 1e400", $"{{{Features},\"label\":1e400}}", RejectReasons.LabelOutOfRange);

        // Features: presence, encoding, dimension, finiteness.
        AddJson("no features", "{\"id\":\"s-1\",\"label\":3}", RejectReasons.MissingFeatures);
        AddJson("features null and no features_b64", "{\"features\":null,\"label\":3}", RejectReasons.MissingFeatures);
        AddJson("both features and features_b64", $"{{{Features},\"features_b64\":\"{Base64(1, 2, 3, 4)}\",\"label\":3}}", RejectReasons.ConflictingFeatures);
        AddJson("features_b64 with invalid characters", "{\"features_b64\":\"AAAA####\",\"label\":3}", RejectReasons.InvalidBase64);
        AddJson("features_b64 in the base64url alphabet", "{\"features_b64\":\"AAAA-_AA\",\"label\":3}", RejectReasons.InvalidBase64);
        AddJson("features_b64 length not a multiple of 4 characters", "{\"features_b64\":\"AAAAA\",\"label\":3}", RejectReasons.InvalidBase64);
        AddJson("features_b64 bytes not a multiple of 4", "{\"features_b64\":\"AAAAAAAA\",\"label\":3}", RejectReasons.InvalidBase64);
        AddJson("features_b64 NaN bits", $"{{\"features_b64\":\"{Base64(1, float.NaN, 3, 4)}\",\"label\":3}}", RejectReasons.NonFiniteFeature);
        AddJson("features_b64 +Infinity bits", $"{{\"features_b64\":\"{Base64(1, 2, float.PositiveInfinity, 4)}\",\"label\":3}}", RejectReasons.NonFiniteFeature);
        AddJson("features_b64 -Infinity bits", $"{{\"features_b64\":\"{Base64(float.NegativeInfinity, 2, 3, 4)}\",\"label\":3}}", RejectReasons.NonFiniteFeature);
        AddJson("features_b64 wrong dimension", $"{{\"features_b64\":\"{Base64(1, 2, 3)}\",\"label\":3}}", RejectReasons.WrongDimension);
        AddJson("features wrong dimension", "{\"features\":[1,2,3],\"label\":3}", RejectReasons.WrongDimension);
        AddJson("features empty", "{\"features\":[],\"label\":3}", RejectReasons.WrongDimension);
        AddJson("features array of 100,000 values", $"{{\"features\":[{string.Join(',', Enumerable.Repeat('0', 100_000))}],\"label\":3}}", RejectReasons.WrongDimension);
        AddJson("feature NaN literal", "{\"features\":[1,NaN,3,4],\"label\":3}", RejectReasons.NonFiniteFeature);
        AddJson("feature Infinity literal", "{\"features\":[Infinity,2,3,4],\"label\":3}", RejectReasons.NonFiniteFeature);
        AddJson("feature -Infinity literal", "{\"features\":[1,2,3, -Infinity],\"label\":3}", RejectReasons.NonFiniteFeature);
        AddJson("feature NaN string", "{\"features\":[1,\"NaN\",3,4],\"label\":3}", RejectReasons.NonFiniteFeature);
        AddJson("feature -Infinity string", "{\"features\":[1,\"-Infinity\",3,4],\"label\":3}", RejectReasons.NonFiniteFeature);
        AddJson("feature overflowing float32", "{\"features\":[1,2,1e39,4],\"label\":3}", RejectReasons.NonFiniteFeature);
        AddJson("feature 1e400", "{\"features\":[1,2,1e400,4],\"label\":3}", RejectReasons.NonFiniteFeature);
        AddJson("feature -1e400", "{\"features\":[-1e400,2,3,4],\"label\":3}", RejectReasons.NonFiniteFeature);

        // human_difficulty.
        AddJson("human_difficulty NaN string", $"{{{Features},\"label\":3,\"human_difficulty\":\"NaN\"}}", RejectReasons.NonFiniteHumanDifficulty);
        AddJson("human_difficulty NaN literal", $"{{{Features},\"label\":3,\"human_difficulty\":NaN}}", RejectReasons.NonFiniteHumanDifficulty);
        AddJson("human_difficulty 1e400", $"{{{Features},\"label\":3,\"human_difficulty\":1e400}}", RejectReasons.NonFiniteHumanDifficulty);

        // Ids. (An absent or null id is not bad input: the sample takes the record key or its origin as id.)
        AddJson("id empty string", $"{{\"id\":\"\",{Features},\"label\":3}}", RejectReasons.EmptyId);
        AddJson("id whitespace only", $"{{\"id\":\"   \",{Features},\"label\":3}}", RejectReasons.InvalidId);
        AddJson("id too long", $"{{\"id\":\"{new string('a', TestSamples.MaxIdLength + 1)}\",{Features},\"label\":3}}", RejectReasons.IdTooLong);
        AddJson("id too long in UTF-8 bytes", $"{{\"id\":\"ééééééééé\",{Features},\"label\":3}}", RejectReasons.IdTooLong);
        AddJson("id with control character", $"{{\"id\":\"a\\u0001b\",{Features},\"label\":3}}", RejectReasons.InvalidId);
        AddJson("id with NUL", $"{{\"id\":\"a\\u0000b\",{Features},\"label\":3}}", RejectReasons.InvalidId);
        AddJson("id with DEL", $"{{\"id\":\"a\\u007Fb\",{Features},\"label\":3}}", RejectReasons.InvalidId);
        AddJson("id with line separator U+2028", $"{{\"id\":\"a\\u2028b\",{Features},\"label\":3}}", RejectReasons.InvalidId);
        AddJson("id with right-to-left override", $"{{\"id\":\"a\\u202Eb\",{Features},\"label\":3}}", RejectReasons.InvalidId);

        // Other fields.
        AddJson("source with NUL", $"{{{Features},\"label\":3,\"source\":\"web\\u0000\"}}", RejectReasons.InvalidSource);
        AddJson("source with newline", $"{{{Features},\"label\":3,\"source\":\"web\\nINFO forged log line\"}}", RejectReasons.InvalidSource);
        AddJson("source too long", $"{{{Features},\"label\":3,\"source\":\"{new string('s', SampleLimits.MaxSourceBytes + 1)}\"}}", RejectReasons.InvalidSource);
        AddJson("too many attributes", $"{{{Features},\"label\":3,\"attributes\":{{{ManyAttributes(SampleLimits.MaxAttributes + 1)}}}}}", RejectReasons.TooManyAttributes);
        AddJson("duplicate label", $"{{{Features},\"label\":3,\"label\":4}}", RejectReasons.DuplicateField);
        AddJson("duplicate id", $"{{\"id\":\"a\",\"id\":\"b\",{Features},\"label\":3}}", RejectReasons.DuplicateField);
        AddJson("duplicate features", $"{{{Features},{Features},\"label\":3}}", RejectReasons.DuplicateField);
        AddJson("duplicate attribute key", $"{{{Features},\"label\":3,\"attributes\":{{\"split\":\"train\",\"split\":\"test\"}}}}", RejectReasons.DuplicateField);
        return records;
    }

    private static TrainingSample Sample(string id = "s-1", int label = 3, params float[] features) => TestSamples.Sample(id, label, features);

    private static byte[] Protobuf(TrainingSample sample) => TestSamples.Protobuf(sample);

    private static TrainingSample With(TrainingSample sample, Action<TrainingSample> change)
    {
        change(sample);
        return sample;
    }

    private static void AddAttributes(TrainingSample sample, int count)
    {
        for (var i = 0; i < count; i++)
        {
            sample.Attributes.Add($"k{i}", "v");
        }
    }

    private static string ManyAttributes(int count) => string.Join(',', Enumerable.Range(0, count).Select(i => $"\"k{i}\":\"v\""));

    private static string Base64(params float[] features) => SampleJsonCodec.EncodeFeaturesBase64(features);

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    /// <summary>A well-formed JSON sample padded with an unknown field to exactly <paramref name="bytes"/> bytes.</summary>
    private static byte[] PaddedJson(int bytes)
    {
        var head = $"{{{Features},\"label\":3,\"pad\":\"";
        const string Tail = "\"}";
        return TestSamples.Json(head + new string('x', bytes - head.Length - Tail.Length) + Tail);
    }

    private static byte[] RandomBytes()
    {
        var bytes = new byte[64];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0xFF; // never '{' nor whitespace, so the sniffer reads it as protobuf
        return bytes;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }
}
