using System.Text;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;

namespace EasyHard.Ingest.Tests.Parsing;

public sealed class SampleParserAcceptanceTests
{
    private const string FullJson =
        "{\"id\":\"s-42\",\"features\":[0.1,0.0,-2.5,1e-7],\"label\":3,\"source\":\"web\",\"human_difficulty\":2.0,\"attributes\":{\"split\":\"train\"}}";

    [Fact]
    public void Parse_JsonWithFeatures_ProducesCanonicalSample()
    {
        var payload = TestSamples.Json(FullJson);

        var result = TestSamples.Parser().Parse(payload, ContentTypes.Json, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        var sample = result.Sample.Sample;
        Assert.Equal("s-42", sample.Id);
        Assert.Equal([0.1f, 0.0f, -2.5f, 1e-7f], sample.Features);
        Assert.Equal(3, sample.Label);
        Assert.Equal("web", sample.Source);
        Assert.True(sample.HasHumanDifficulty);
        Assert.Equal(2.0, sample.HumanDifficulty);
        Assert.Equal("train", sample.Attributes["split"]);
        Assert.Equal(ContentTypes.Json, result.Sample.ContentType);
        Assert.Equal(payload, result.Sample.OriginalPayload.ToByteArray());
        Assert.Equal(TestSamples.Origin, result.Sample.Origin);
    }

    [Fact]
    public void Parse_JsonWithFeaturesB64_DecodesLittleEndianFloat32()
    {
        float[] features = [1f, 2f, 3f, -4.5f];
        var b64 = Convert.ToBase64String(features.SelectMany(BitConverter.GetBytes).ToArray());
        var payload = TestSamples.Json($"{{\"id\":\"b\",\"features_b64\":\"{b64}\",\"label\":9}}");

        var result = TestSamples.Parser().Parse(payload, ContentTypes.Json, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(features, result.Sample.Sample.Features);
        Assert.Equal(9, result.Sample.Sample.Label);
    }

    [Fact]
    public void Parse_JsonWithEscapedCharactersInBase64_IsAccepted()
    {
        // Some encoders escape '/' as "\/" or '+' as "\u002B"; escape every 'A' to be sure the path runs.
        float[] features = [float.Epsilon, 1f, 2f, 3f];
        var b64 = Convert.ToBase64String(features.SelectMany(BitConverter.GetBytes).ToArray());
        Assert.Contains('A', b64);
        var escaped = b64.Replace("A", "\\u0041", StringComparison.Ordinal);
        var payload = TestSamples.Json($"{{\"features_b64\":\"{escaped}\",\"label\":1}}");

        var result = TestSamples.Parser().Parse(payload, null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(features, result.Sample.Sample.Features);
    }

    [Fact]
    public void Parse_Protobuf_RoundTrips()
    {
        var original = TestSamples.Sample("p-7", 0, 1.5f, -0.25f, 3e10f, 0f);
        original.Source = "app";
        original.HumanDifficulty = 0.5;
        original.Attributes.Add("k", "v");
        var payload = SampleProtobufCodec.Write(original);

        var result = TestSamples.Parser().Parse(payload, ContentTypes.Protobuf, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(original, result.Sample.Sample);
        Assert.Equal(ContentTypes.Protobuf, result.Sample.ContentType);
        Assert.Equal(payload, result.Sample.OriginalPayload.ToByteArray());
    }

    [Fact]
    public void Parse_ProtobufWithLabelZero_IsAccepted()
    {
        // Proto3 omits default values: label 0 is simply absent on the wire and must not count as missing.
        var payload = SampleProtobufCodec.Write(TestSamples.Sample("z", 0));

        var result = TestSamples.Parser().Parse(payload, null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(0, result.Sample.Sample.Label);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Parse_JsonWrittenByCodec_RoundTripsExactly(bool base64)
    {
        var original = TestSamples.Sample("rt", 7, 0.1f, float.MaxValue, -float.Epsilon, 123.456f);
        original.Attributes.Add("split", "test");

        var result = TestSamples.Parser().Parse(SampleJsonCodec.Write(original, base64), null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(original, result.Sample.Sample);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8", "application/json")]
    [InlineData("Application/JSON", "application/json")]
    [InlineData("application/protobuf", "application/x-protobuf")]
    [InlineData(" application/x-protobuf ", "application/x-protobuf")]
    public void Parse_ContentTypeVariants_SelectCodec(string header, string expected)
    {
        var sample = TestSamples.Sample();
        var payload = expected == ContentTypes.Json ? SampleJsonCodec.Write(sample) : SampleProtobufCodec.Write(sample);

        var result = TestSamples.Parser().Parse(payload, header, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(expected, result.Sample.ContentType);
    }

    [Theory]
    [InlineData("{\"features\":[1,2,3,4],\"label\":1}")]
    [InlineData("  \r\n\t{\"features\":[1,2,3,4],\"label\":1}  \n")]
    [InlineData("\uFEFF{\"features\":[1,2,3,4],\"label\":1}")]
    public void Parse_WithoutHeader_SniffsJson(string text)
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json(text), null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(ContentTypes.Json, result.Sample.ContentType);
    }

    [Fact]
    public void Parse_WithoutHeader_SniffsProtobuf()
    {
        var result = TestSamples.Parser().Parse(SampleProtobufCodec.Write(TestSamples.Sample()), null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(ContentTypes.Protobuf, result.Sample.ContentType);
    }

    [Fact]
    public void Parse_ProtobufThatLooksLikeJson_FallsBackToProtobuf()
    {
        // Tag of field 1 is 0x0A ('\n') and an id of 123 bytes has length byte 0x7B ('{'): the sniffer sees
        // whitespace then '{', JSON fails, and the protobuf attempt must rescue the record.
        var id = new string('q', 123);
        var payload = SampleProtobufCodec.Write(TestSamples.Sample(id));
        Assert.Equal([0x0A, (byte)'{'], payload[..2]);
        var parser = TestSamples.Parser(new SampleSchemaOptions { Dimension = TestSamples.Dimension, Classes = TestSamples.Classes, MaxIdLength = 256 });

        var result = parser.Parse(payload, null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(id, result.Sample.Sample.Id);
        Assert.Equal(ContentTypes.Protobuf, result.Sample.ContentType);
    }

    [Fact]
    public void Parse_LabelWrittenAsIntegralFloat_IsAccepted()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"features\":[1,2,3,4],\"label\":3.0}"), null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(3, result.Sample.Sample.Label);
    }

    [Fact]
    public void Parse_UnknownFields_AreIgnored()
    {
        var text = "{\"extra\":{\"a\":[1,{\"b\":null}]},\"features\":[1,2,3,4],\"label\":1,\"more\":\"x\"}";

        var result = TestSamples.Parser().Parse(TestSamples.Json(text), null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
    }

    [Fact]
    public void Parse_NullOptionalFields_AreTreatedAsAbsent()
    {
        var text = "{\"id\":null,\"features\":[1,2,3,4],\"features_b64\":null,\"label\":1,\"source\":null,\"human_difficulty\":null,\"attributes\":null}";

        var result = TestSamples.Parser().Parse(TestSamples.Json(text), null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.False(result.Sample.Sample.HasHumanDifficulty);
    }

    [Fact]
    public void Parse_MissingIdWithKey_TakesIdFromKey()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"features\":[1,2,3,4],\"label\":1}"), null, "key-7"u8, TestSamples.Origin);

        Assert.Equal("key-7", result.Sample?.Sample.Id);
    }

    [Fact]
    public void Parse_MissingIdWithoutKey_TakesIdFromOrigin()
    {
        var result = TestSamples.Parser().Parse(SampleProtobufCodec.Write(TestSamples.Sample(id: "")), null, [], TestSamples.Origin);

        Assert.Equal("training-samples-2-42", result.Sample?.Sample.Id);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0x00, 0x12 })]
    [InlineData(new byte[] { (byte)'a', 0x01, (byte)'b' })]
    public void Parse_MissingIdWithUnusableKey_TakesIdFromOrigin(byte[] key)
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"features\":[1,2,3,4],\"label\":1}"), null, key, TestSamples.Origin);

        Assert.Equal("training-samples-2-42", result.Sample?.Sample.Id);
    }

    [Fact]
    public void Parse_OwnIdPresent_WinsOverKey()
    {
        var result = TestSamples.Parser().Parse(TestSamples.Json("{\"id\":\"mine\",\"features\":[1,2,3,4],\"label\":1}"), null, "key"u8, TestSamples.Origin);

        Assert.Equal("mine", result.Sample?.Sample.Id);
    }

    [Fact]
    public void Parse_IdAtMaximumLength_IsAccepted()
    {
        var id = new string('a', TestSamples.MaxIdLength);

        var result = TestSamples.Parser().Parse(TestSamples.Json($"{{\"id\":\"{id}\",\"features\":[1,2,3,4],\"label\":9}}"), null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
    }

    [Fact]
    public void Parse_RecordAtMaximumSize_IsAccepted()
    {
        var body = "{\"features\":[1,2,3,4],\"label\":1}";
        var text = body + new string(' ', TestSamples.MaxRecordBytes - body.Length);

        var result = TestSamples.Parser().Parse(Encoding.UTF8.GetBytes(text), null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
    }

    [Fact]
    public void Parse_ManyFeatures_AreReadCompletely()
    {
        var schema = new SampleSchemaOptions { Dimension = 3000, Classes = 10, MaxRecordBytes = 1024 * 1024 };
        var values = Enumerable.Range(0, 3000).Select(i => i * 0.5f).ToArray();
        var sample = new TrainingSample { Label = 2, Features = { values } };

        var result = new Ingest.Parsing.SampleParser(schema).Parse(SampleJsonCodec.Write(sample), null, [], TestSamples.Origin);

        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal(values, result.Sample.Sample.Features);
    }
}
