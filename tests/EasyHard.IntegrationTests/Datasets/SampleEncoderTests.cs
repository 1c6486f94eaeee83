using System.Text;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Evaluation.Datasets;
using EasyHard.Ingest.Parsing;

namespace EasyHard.IntegrationTests.Datasets;

public sealed class SampleEncoderTests
{
    private static readonly DenseDataset Data = SyntheticDataset.Generate(50, dimension: 8, classes: 4, seed: 3);

    private static readonly IReadOnlyList<LabelledSample> Samples =
        Data.WithLabels(new NoiseInjector(NoiseSpec.Parse("symmetric:0.5"), 4, seed: 3).Apply(Data.Labels), "fm");

    [Theory]
    [InlineData(SampleFormat.Json, false, ContentTypes.Json)]
    [InlineData(SampleFormat.Json, true, ContentTypes.Json)]
    [InlineData(SampleFormat.Protobuf, false, ContentTypes.Protobuf)]
    public void Encode_PayloadIsAcceptedByIngestWithSameContent(SampleFormat format, bool base64, string contentType)
    {
        var encoder = new SampleEncoder(format, "test", base64);
        var parser = new SampleParser(new SampleSchemaOptions { Dimension = 8, Classes = 4 });
        var sample = Samples[42];

        var encoded = encoder.Encode(sample);
        var result = parser.Parse(encoded.Payload, encoded.ContentType, encoded.Key, new Origin { Topic = "t" });

        Assert.Equal("fm-000042", encoded.Id);
        Assert.Equal("fm-000042", Encoding.UTF8.GetString(encoded.Key));
        Assert.Equal(contentType, encoded.ContentType);
        Assert.True(result.IsAccepted, result.ToString());
        Assert.Equal("fm-000042", result.Sample.Sample.Id);
        Assert.Equal(sample.Label, result.Sample.Sample.Label);
        Assert.Equal(sample.Features.ToArray(), result.Sample.Sample.Features);
        Assert.Equal("test", result.Sample.Sample.Source);
        Assert.Empty(result.Sample.Sample.Attributes);
    }

    [Fact]
    public void Encode_WithTruth_CarriesTrueLabelAsAttributes()
    {
        var noisy = Samples.First(s => s.IsNoisy);

        var encoded = new SampleEncoder(SampleFormat.Protobuf, includeTruth: true).Encode(noisy);
        var parsed = TrainingSample.Parser.ParseFrom(encoded.Payload);

        Assert.Equal(noisy.Label, parsed.Label);
        Assert.Equal(noisy.TrueLabel.ToString(System.Globalization.CultureInfo.InvariantCulture), parsed.Attributes["true_label"]);
        Assert.Equal("true", parsed.Attributes["is_noisy"]);
    }

    [Fact]
    public void Encode_IsDeterministic()
    {
        var encoder = new SampleEncoder(SampleFormat.Json);

        Assert.Equal(encoder.Encode(Samples[7]).Payload, encoder.Encode(Samples[7]).Payload);
    }

    [Theory]
    [InlineData("json", SampleFormat.Json)]
    [InlineData("Protobuf", SampleFormat.Protobuf)]
    [InlineData("proto", SampleFormat.Protobuf)]
    public void ParseFormat_KnownNames(string text, SampleFormat expected)
    {
        Assert.Equal(expected, SampleEncoder.ParseFormat(text));
    }

    [Fact]
    public void ParseFormat_UnknownName_SaysWhatIsExpected()
    {
        var error = Assert.Throws<FormatException>(() => SampleEncoder.ParseFormat("avro"));

        Assert.Contains("'json' or 'protobuf'", error.Message, StringComparison.Ordinal);
    }
}
