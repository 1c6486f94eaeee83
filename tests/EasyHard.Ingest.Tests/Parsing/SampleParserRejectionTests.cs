using System.Text;
using EasyHard.Core.Codecs;
using EasyHard.Core.Contracts;
using EasyHard.Core.Contracts.V1;
using Google.Protobuf;

namespace EasyHard.Ingest.Tests.Parsing;

public sealed class SampleParserRejectionTests
{
    private const string Json = ContentTypes.Json;
    private const string Proto = ContentTypes.Protobuf;

    /// <summary>Bad inputs by name: payload, content-type header (null = none, so the parser sniffs).</summary>
    private static readonly Dictionary<string, (byte[] Payload, string? ContentType)> Cases = new()
    {
        ["empty value"] = ([], null),
        ["whitespace only"] = (TestSamples.Json("  \n\t "), null),
        ["whitespace only, declared JSON"] = (TestSamples.Json("   "), Json),
        ["oversized"] = (TestSamples.Json("{\"id\":\"" + new string('x', TestSamples.MaxRecordBytes) + "\"}"), Json),
        ["unsupported content type"] = (TestSamples.Json("id,label\ns-1,3"), "text/csv"),
        ["random bytes"] = (RandomBytes(), null),
        ["truncated protobuf"] = (Truncated(), Proto),
        ["truncated protobuf, sniffed"] = (Truncated(), null),
        ["protobuf label with wrong wire type"] = ([0x1A, 0x01, 0x00], Proto),
        ["protobuf with only unknown fields"] = ([0xA0, 0x01, 0x05], null),
        ["JSON bytes declared as protobuf"] = (TestSamples.Json("{\"id\":\"s-1\",\"features\":[1,2,3,4],\"label\":3}"), Proto),
        ["plain text without header"] = (TestSamples.Json("hello world"), null),
        ["JSON syntax error"] = (TestSamples.Json("{\"id\":\"s-1\",\"label\":3,"), null),
        ["JSON top-level array"] = (TestSamples.Json("[1,2,3,4]"), Json),
        ["JSON null"] = (TestSamples.Json("null"), Json),
        ["JSON trailing garbage"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":3} x"), null),
        ["NaN literal feature"] = (TestSamples.Json("{\"features\":[1,NaN,3,4],\"label\":3}"), null),
        ["Infinity literal feature"] = (TestSamples.Json("{\"features\":[Infinity,2,3,4],\"label\":3}"), null),
        ["-Infinity literal feature"] = (TestSamples.Json("{\"features\":[1,2,3, -Infinity],\"label\":3}"), null),
        ["NaN string feature"] = (TestSamples.Json("{\"features\":[1,\"NaN\",3,4],\"label\":3}"), null),
        ["Infinity string feature"] = (TestSamples.Json("{\"features\":[1,\"-Infinity\",3,4],\"label\":3}"), null),
        ["feature overflowing float32"] = (TestSamples.Json("{\"features\":[1,2,1e39,4],\"label\":3}"), null),
        ["protobuf NaN feature"] = (TestSamples.Protobuf(TestSamples.Sample(features: [1, float.NaN, 3, 4])), Proto),
        ["protobuf infinite feature"] = (TestSamples.Protobuf(TestSamples.Sample(features: [1, 2, float.PositiveInfinity, 4])), null),
        ["JSON wrong dimension"] = (TestSamples.Json("{\"features\":[1,2,3],\"label\":3}"), null),
        ["JSON empty features"] = (TestSamples.Json("{\"features\":[],\"label\":3}"), null),
        ["protobuf wrong dimension"] = (TestSamples.Protobuf(TestSamples.Sample(features: [1, 2, 3, 4, 5])), Proto),
        ["label equal to classes"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":10}"), null),
        ["label negative"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":-1}"), null),
        ["label beyond int32"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":1e20}"), null),
        ["protobuf label negative"] = (TestSamples.Protobuf(TestSamples.Sample(label: -3)), Proto),
        ["label fractional"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":2.5}"), null),
        ["label string"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":\"3\"}"), null),
        ["label boolean"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":true}"), null),
        ["label missing"] = (TestSamples.Json("{\"id\":\"s-1\",\"features\":[1,2,3,4]}"), null),
        ["label null"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":null}"), null),
        ["invalid UTF-8"] = ([.. "{\"id\":\""u8, 0xFF, 0xFE, .. "\",\"features\":[1,2,3,4],\"label\":3}"u8], null),
        ["deeply nested unknown field"] = (TestSamples.Json("{\"x\":" + Nested(7) + ",\"features\":[1,2,3,4],\"label\":3}"), null),
        ["very deeply nested JSON"] = (TestSamples.Json("{\"x\":" + Nested(500) + "}"), null),
        ["id too long"] = (TestSamples.Json("{\"id\":\"" + new string('a', TestSamples.MaxIdLength + 1) + "\",\"features\":[1,2,3,4],\"label\":3}"), null),
        ["id too long in UTF-8 bytes"] = (TestSamples.Json("{\"id\":\"ééééééééé\",\"features\":[1,2,3,4],\"label\":3}"), null),
        ["id with control character"] = (TestSamples.Json("{\"id\":\"a\\u0001b\",\"features\":[1,2,3,4],\"label\":3}"), null),
        ["protobuf id with newline"] = (TestSamples.Protobuf(TestSamples.Sample(id: "a\nb")), Proto),
        ["id whitespace only"] = (TestSamples.Json("{\"id\":\"   \",\"features\":[1,2,3,4],\"label\":3}"), null),
        ["id unpaired surrogate"] = (TestSamples.Json("{\"id\":\"\\ud800\",\"features\":[1,2,3,4],\"label\":3}"), null),
        ["id number"] = (TestSamples.Json("{\"id\":42,\"features\":[1,2,3,4],\"label\":3}"), null),
        ["features string"] = (TestSamples.Json("{\"features\":\"1,2,3,4\",\"label\":3}"), null),
        ["feature element string"] = (TestSamples.Json("{\"features\":[1,\"two\",3,4],\"label\":3}"), null),
        ["feature element nested array"] = (TestSamples.Json("{\"features\":[[1,2],3,4,5],\"label\":3}"), null),
        ["attribute value number"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":3,\"attributes\":{\"split\":1}}"), null),
        ["human_difficulty string"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":3,\"human_difficulty\":\"hard\"}"), null),
        ["base64 with bad characters"] = (TestSamples.Json("{\"features_b64\":\"AAAA####\",\"label\":3}"), null),
        ["base64 not a multiple of 4 bytes"] = (TestSamples.Json("{\"features_b64\":\"AAAAAAAA\",\"label\":3}"), null),
        ["both features kinds"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"features_b64\":\"AACAPwAAAEAAAEBAAACAQA==\",\"label\":3}"), null),
        ["no features"] = (TestSamples.Json("{\"id\":\"s-1\",\"label\":3}"), null),
        ["duplicate label"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":3,\"label\":4}"), null),
        ["human_difficulty NaN string"] = (TestSamples.Json("{\"features\":[1,2,3,4],\"label\":3,\"human_difficulty\":\"NaN\"}"), null),
        ["protobuf human_difficulty NaN"] = (TestSamples.Protobuf(WithDifficulty(double.NaN)), Proto),
    };

    public static TheoryData<string, string> BadInputs => new()
    {
        { "empty value", RejectReasons.EmptyPayload },
        { "whitespace only", RejectReasons.EmptyPayload },
        { "whitespace only, declared JSON", RejectReasons.EmptyPayload },
        { "oversized", RejectReasons.Oversized },
        { "unsupported content type", RejectReasons.UnsupportedContentType },
        { "random bytes", RejectReasons.UnparsableProtobuf },
        { "truncated protobuf", RejectReasons.UnparsableProtobuf },
        { "truncated protobuf, sniffed", RejectReasons.UnparsableProtobuf },
        { "protobuf label with wrong wire type", RejectReasons.UnparsableProtobuf },
        { "protobuf with only unknown fields", RejectReasons.UnparsableProtobuf },
        { "JSON bytes declared as protobuf", RejectReasons.UnparsableProtobuf },
        { "plain text without header", RejectReasons.UnparsableProtobuf },
        { "JSON syntax error", RejectReasons.UnparsableJson },
        { "JSON top-level array", RejectReasons.UnparsableJson },
        { "JSON null", RejectReasons.UnparsableJson },
        { "JSON trailing garbage", RejectReasons.UnparsableJson },
        { "NaN literal feature", RejectReasons.NonFiniteFeature },
        { "Infinity literal feature", RejectReasons.NonFiniteFeature },
        { "-Infinity literal feature", RejectReasons.NonFiniteFeature },
        { "NaN string feature", RejectReasons.NonFiniteFeature },
        { "Infinity string feature", RejectReasons.NonFiniteFeature },
        { "feature overflowing float32", RejectReasons.NonFiniteFeature },
        { "protobuf NaN feature", RejectReasons.NonFiniteFeature },
        { "protobuf infinite feature", RejectReasons.NonFiniteFeature },
        { "JSON wrong dimension", RejectReasons.WrongDimension },
        { "JSON empty features", RejectReasons.WrongDimension },
        { "protobuf wrong dimension", RejectReasons.WrongDimension },
        { "label equal to classes", RejectReasons.LabelOutOfRange },
        { "label negative", RejectReasons.LabelOutOfRange },
        { "label beyond int32", RejectReasons.LabelOutOfRange },
        { "protobuf label negative", RejectReasons.LabelOutOfRange },
        { "label fractional", RejectReasons.LabelNotInteger },
        { "label string", RejectReasons.LabelNotInteger },
        { "label boolean", RejectReasons.LabelNotInteger },
        { "label missing", RejectReasons.MissingLabel },
        { "label null", RejectReasons.MissingLabel },
        { "invalid UTF-8", RejectReasons.InvalidUtf8 },
        { "deeply nested unknown field", RejectReasons.JsonTooDeep },
        { "very deeply nested JSON", RejectReasons.JsonTooDeep },
        { "id too long", RejectReasons.IdTooLong },
        { "id too long in UTF-8 bytes", RejectReasons.IdTooLong },
        { "id with control character", RejectReasons.InvalidId },
        { "protobuf id with newline", RejectReasons.InvalidId },
        { "id whitespace only", RejectReasons.InvalidId },
        { "id unpaired surrogate", RejectReasons.UnparsableJson },
        { "id number", RejectReasons.InvalidFieldType },
        { "features string", RejectReasons.InvalidFieldType },
        { "feature element string", RejectReasons.InvalidFieldType },
        { "feature element nested array", RejectReasons.InvalidFieldType },
        { "attribute value number", RejectReasons.InvalidFieldType },
        { "human_difficulty string", RejectReasons.InvalidFieldType },
        { "base64 with bad characters", RejectReasons.InvalidBase64 },
        { "base64 not a multiple of 4 bytes", RejectReasons.InvalidBase64 },
        { "both features kinds", RejectReasons.ConflictingFeatures },
        { "no features", RejectReasons.MissingFeatures },
        { "duplicate label", RejectReasons.DuplicateField },
        { "human_difficulty NaN string", RejectReasons.NonFiniteHumanDifficulty },
        { "protobuf human_difficulty NaN", RejectReasons.NonFiniteHumanDifficulty },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Parse_BadInput_IsRejectedWithReasonCode(string name, string expectedReason)
    {
        var (payload, contentType) = Cases[name];

        var result = TestSamples.Parser().Parse(payload, contentType, [], TestSamples.Origin);

        Assert.False(result.IsAccepted, $"'{name}' was accepted as {result.Sample}");
        Assert.Equal(expectedReason, result.Rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Rejection.Message));
    }

    [Fact]
    public void BadInputs_CoverEveryCaseAndEveryReasonCode()
    {
        var names = BadInputs.Select(row => (string)row[0]).ToHashSet();
        var reasons = BadInputs.Select(row => (string)row[1]).ToHashSet();

        Assert.Equal(Cases.Keys.Order(), names.Order());
        Assert.Equal(RejectReasons.All.Order(), reasons.Order());
    }

    [Fact]
    public void Parse_LabelOutOfRange_MessageNamesFieldAndValue()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"features\":[1,2,3,4],\"label\":12}"), Json, [], TestSamples.Origin);

        Assert.Equal(RejectReasons.LabelOutOfRange, result.Rejection?.Reason);
        Assert.Contains("label 12", result.Rejection!.Message, StringComparison.Ordinal);
        Assert.Contains("[0, 10)", result.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NonFiniteFeature_MessageNamesIndex()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"features\":[1,2,NaN,4],\"label\":1}"), null, [], TestSamples.Origin);

        Assert.Equal(RejectReasons.NonFiniteFeature, result.Rejection?.Reason);
        Assert.Contains("features[2]", result.Rejection!.Message, StringComparison.Ordinal);
        Assert.Contains("NaN", result.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WrongDimension_MessageGivesBothCounts()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"features\":[1,2,3],\"label\":1}"), null, [], TestSamples.Origin);

        Assert.Equal("features has 3 values; Schema:Dimension is 4", result.Rejection?.Message);
    }

    [Fact]
    public void Parse_JsonSyntaxError_MessageSaysWhere()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"features\":[1,2,3,4] \"label\":1}"), null, [], TestSamples.Origin);

        Assert.Equal(RejectReasons.UnparsableJson, result.Rejection?.Reason);
        Assert.Contains("BytePositionInLine", result.Rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OversizedProtobuf_IsRejectedBeforeParsing()
    {
        // Garbage that would fail to parse: the size check must win, proving nothing was parsed.
        var payload = Enumerable.Repeat((byte)0xFF, TestSamples.MaxRecordBytes + 1).ToArray();

        var result = TestSamples.Parser().Parse(payload, Proto, [], TestSamples.Origin);

        Assert.Equal(RejectReasons.Oversized, result.Rejection?.Reason);
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static byte[] RandomBytes()
    {
        var bytes = new byte[64];
        new Random(7).NextBytes(bytes);
        bytes[0] = 0xFF; // never '{' nor whitespace, so the sniffer reads it as protobuf
        return bytes;
    }

    private static byte[] Truncated()
    {
        var bytes = TestSamples.Protobuf(TestSamples.Sample());
        return bytes[..^3];
    }

    private static TrainingSample WithDifficulty(double difficulty)
    {
        var sample = TestSamples.Sample();
        sample.HumanDifficulty = difficulty;
        return sample;
    }
}
