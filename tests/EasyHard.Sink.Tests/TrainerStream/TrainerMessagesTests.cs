using System.Text;
using System.Text.Json;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Sink.TrainerStream;
using Google.Protobuf;

namespace EasyHard.Sink.Tests.TrainerStream;

public sealed class TrainerMessagesTests
{
    private static readonly TopicOptions Topics = new();
    private static readonly TrainerStreamOptions HeadersMode = new();
    private static readonly TrainerStreamOptions EnvelopeMode = new() { Mode = TrainerStreamModes.Envelope };

    [Fact]
    public void Build_HeadersMode_CarriesOriginalBytesAndExactHeaders()
    {
        var original = Encoding.UTF8.GetBytes("""{"id":"s-1","label":3,"features":[0.5,0.25],"extra":"kept"}""");
        var scored = Samples.Scored("s-1", weight: 1.5f, original: original);
        scored.Scores.Difficulty = 0.1f;
        scored.Scores.Noise = 1.5E-05f;
        scored.Scores.Influence = -2.75f;

        var message = TrainerMessages.Build(scored, HeadersMode, Topics).Single();

        Assert.Equal("easyhard.weighted", message.Topic);
        Assert.Equal("s-1", Encoding.UTF8.GetString(message.Key!));
        Assert.Equal(original, message.Value);
        Assert.NotNull(message.Headers);
        var headers = message.Headers.Select(h => (h.Key, Encoding.ASCII.GetString(h.GetValueBytes()))).ToList();
        Assert.Equal(
            [
                (HeaderNames.Weight, "1.5"),
                (HeaderNames.Difficulty, "0.1"),
                (HeaderNames.Noise, "1.5E-05"),
                (HeaderNames.Influence, "-2.75"),
                (HeaderNames.Bucket, "hard"),
                (HeaderNames.ModelVersion, "7"),
                (HeaderNames.SuggestedLabel, "2"),
                (HeaderNames.SuggestedLabelP, "0.5"),
                (ContentTypes.HeaderName, ContentTypes.Json),
            ],
            headers);
    }

    [Fact]
    public void Build_NoSuggestion_CarriesNoSuggestedLabelHeaders()
    {
        var scored = Samples.Scored("s-1");
        scored.Scores.SuggestedLabelP = 0;

        var message = TrainerMessages.Build(scored, HeadersMode, Topics).Single();

        Assert.DoesNotContain(message.Headers!, h => h.Key.StartsWith(HeaderNames.SuggestedLabel, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(Bucket.Easy, "easy")]
    [InlineData(Bucket.Medium, "medium")]
    [InlineData(Bucket.Hard, "hard")]
    [InlineData(Bucket.Unspecified, "warming")]
    public void Build_Bucket_IsWrittenByName(Bucket bucket, string expected)
    {
        var scored = Samples.Scored("s-b");
        scored.Bucket = bucket;

        var message = TrainerMessages.Build(scored, HeadersMode, Topics).Single();

        Assert.Equal(expected, Samples.HeaderText(message.Headers!, HeaderNames.Bucket));
    }

    [Fact]
    public void Build_ProtobufOriginal_KeepsItsContentType()
    {
        var original = new TrainingSample { Id = "s-pb", Label = 1 }.ToByteArray();
        var scored = Samples.Scored("s-pb", contentType: ContentTypes.Protobuf, original: original);

        var message = TrainerMessages.Build(scored, HeadersMode, Topics).Single();

        Assert.Equal(original, message.Value);
        Assert.Equal(ContentTypes.Protobuf, Samples.HeaderText(message.Headers!, ContentTypes.HeaderName));
    }

    [Fact]
    public void Build_Quarantined_GoesToQuarantineInsteadOfWeighted()
    {
        var scored = Samples.Scored("s-q", quarantined: true);

        var message = TrainerMessages.Build(scored, HeadersMode, Topics).Single();

        Assert.Equal("easyhard.quarantine", message.Topic);
        Assert.Equal(scored.Canonical.OriginalPayload.ToByteArray(), message.Value);
        Assert.Equal("0.75", Samples.HeaderText(message.Headers!, HeaderNames.Weight));
    }

    [Fact]
    public void Build_QuarantinedWithEmissionOff_ReachesNoTopic()
    {
        var options = new TrainerStreamOptions { EmitQuarantine = false };

        Assert.Empty(TrainerMessages.Build(Samples.Scored("s-q", quarantined: true), options, Topics));
        Assert.Equal("easyhard.weighted", TrainerMessages.Build(Samples.Scored("s-ok"), options, Topics).Single().Topic);
    }

    [Fact]
    public void Build_ConfiguredTopicNames_AreUsed()
    {
        var topics = new TopicOptions { Weighted = "w", Quarantine = "q" };

        Assert.Equal("w", TrainerMessages.Build(Samples.Scored("a"), HeadersMode, topics).Single().Topic);
        Assert.Equal("q", TrainerMessages.Build(Samples.Scored("b", quarantined: true), HeadersMode, topics).Single().Topic);
    }

    [Fact]
    public void Build_EnvelopeWithJsonOriginal_EmbedsTheSampleObject()
    {
        var original = Encoding.UTF8.GetBytes("""{"id":"s-e","label":3,"attributes":{"split":"train"}}""");
        var scored = Samples.Scored("s-e", weight: 0.5f, original: original);

        var message = TrainerMessages.Build(scored, EnvelopeMode, Topics).Single();

        using var document = JsonDocument.Parse(message.Value);
        var root = document.RootElement;
        Assert.Equal("s-e", root.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Object, root.GetProperty("sample").ValueKind);
        Assert.Equal("train", root.GetProperty("sample").GetProperty("attributes").GetProperty("split").GetString());
        Assert.Equal(0.5, root.GetProperty("weight").GetDouble());
        Assert.Equal("hard", root.GetProperty("bucket").GetString());
        Assert.Equal(2, root.GetProperty("scores").GetProperty("suggested_label").GetInt32());
        Assert.Equal(0.5, root.GetProperty("scores").GetProperty("suggested_label_p").GetDouble());
        Assert.Equal(7, root.GetProperty("model_version").GetInt64());
        var scores = root.GetProperty("scores");
        Assert.Equal(1.25, scores.GetProperty("loss").GetDouble());
        Assert.Equal(0.75, scores.GetProperty("difficulty").GetDouble());
        Assert.Equal(0.0625, scores.GetProperty("noise").GetDouble());
        Assert.Equal(-0.125, scores.GetProperty("influence").GetDouble());
        Assert.Equal(1, scores.GetProperty("predicted_label").GetInt32());
        Assert.Equal(ContentTypes.Json, Samples.HeaderText(message.Headers!, ContentTypes.HeaderName));
        Assert.Equal("0.5", Samples.HeaderText(message.Headers!, HeaderNames.Weight));
    }

    [Fact]
    public void Build_EnvelopeWithProtobufOriginal_EmbedsBase64()
    {
        var original = new TrainingSample { Id = "s-pb", Label = 1, Features = { 1f, 2f } }.ToByteArray();
        var scored = Samples.Scored("s-pb", contentType: ContentTypes.Protobuf, original: original);

        var message = TrainerMessages.Build(scored, EnvelopeMode, Topics).Single();

        using var document = JsonDocument.Parse(message.Value);
        Assert.Equal(original, document.RootElement.GetProperty("sample").GetBytesFromBase64());
        Assert.Equal(ContentTypes.Protobuf, document.RootElement.GetProperty("content_type").GetString());
    }

    [Fact]
    public void Build_EnvelopeWithHostileId_IsValidJson()
    {
        var id = "\"}, \"weight\": 99, \"x\": {\"";
        var message = TrainerMessages.Build(Samples.Scored(id, weight: 0.25f, original: "{}"u8.ToArray()), EnvelopeMode, Topics).Single();

        using var document = JsonDocument.Parse(message.Value);
        Assert.Equal(id, document.RootElement.GetProperty("id").GetString());
        Assert.Equal(0.25, document.RootElement.GetProperty("weight").GetDouble());
    }
}
