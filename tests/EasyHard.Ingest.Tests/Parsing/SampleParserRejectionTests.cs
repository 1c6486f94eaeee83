using EasyHard.Contracts.Codecs;
using EasyHard.Contracts;

namespace EasyHard.Ingest.Tests.Parsing;

public sealed class SampleParserRejectionTests
{
    private const string Json = ContentTypes.Json;
    private const string Proto = ContentTypes.Protobuf;

    // Every kind of bad record and its reason code is in BadInput/BadRecordCorpus; these pin down the messages.

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
    public void Parse_ContentTypeMismatch_MessageNamesTheRealFormat()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"features\":[1,2,3,4],\"label\":1}"), Proto, [], TestSamples.Origin);

        Assert.Equal(RejectReasons.ContentTypeMismatch, result.Rejection?.Reason);
        Assert.Contains("content-type says 'application/x-protobuf' but the value is a application/json sample", result.Rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ConcatenatedSamples_MessageSaysWhereTheExtraBytesStart()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"features\":[1,2,3,4],\"label\":1} {}"), null, [], TestSamples.Origin);

        Assert.Equal(RejectReasons.JsonTrailingData, result.Rejection?.Reason);
        Assert.Equal("2 more bytes follow the sample object at byte 33; send one sample per record", result.Rejection!.Message);
    }

    [Fact]
    public void Parse_IdWithControlCharacter_MessageShowsItSafely()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"id\":\"a\\nb\",\"features\":[1,2,3,4],\"label\":1}"), null, [], TestSamples.Origin);

        Assert.Equal(RejectReasons.InvalidId, result.Rejection?.Reason);
        Assert.Equal("id contains control or formatting character U+000A at position 1: 'a?b'", result.Rejection!.Message);
    }

    [Fact]
    public void Parse_ContentTypeWithNewline_IsQuotedWithoutIt()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{}"), "text/plain\r\nINFO forged", [], TestSamples.Origin);

        Assert.Equal(RejectReasons.UnsupportedContentType, result.Rejection?.Reason);
        Assert.StartsWith("content-type 'text/plain??INFO forged' is not supported", result.Rejection!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OversizedProtobuf_IsRejectedBeforeParsing()
    {
        // Garbage that would fail to parse: the size check must win, proving nothing was parsed.
        var payload = Enumerable.Repeat((byte)0xFF, TestSamples.MaxRecordBytes + 1).ToArray();

        var result = TestSamples.Parser().Parse(payload, Proto, [], TestSamples.Origin);

        Assert.Equal(RejectReasons.Oversized, result.Rejection?.Reason);
    }
}
