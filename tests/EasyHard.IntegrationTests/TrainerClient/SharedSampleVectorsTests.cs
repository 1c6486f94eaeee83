using System.Text.Json;
using System.Text.Json.Nodes;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.IntegrationTests.Operations;
using EasyHard.Sink.TrainerStream;

namespace EasyHard.IntegrationTests.TrainerClient;

/// <summary>
/// The Python client decodes producers' samples with its own small decoder; its tests read
/// <c>clients/python/tests/vectors/training_samples.json</c>. This test proves that file holds exactly the bytes
/// EasyHard's C# encoders write for those samples (and the sink's envelope mode for two of them), and that EasyHard
/// parses the producer's forms back to the same samples.
/// Set EASYHARD_WRITE_VECTORS=1 to rewrite the file after a deliberate change of the encoders.
/// </summary>
public sealed class SharedSampleVectorsTests
{
    private const string VectorsFile = "clients/python/tests/vectors/training_samples.json";

    [Fact]
    public void VectorFile_HoldsTheBytesTheCSharpEncodersWrite()
    {
        var expected = Build();
        var path = RepositoryFiles.PathOf(VectorsFile);
        if (Environment.GetEnvironmentVariable("EASYHARD_WRITE_VECTORS") == "1")
        {
            File.WriteAllText(path, expected.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }

        var actual = JsonNode.Parse(RepositoryFiles.ReadText(VectorsFile))!;
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{VectorsFile} is not what the encoders write now (EASYHARD_WRITE_VECTORS=1 rewrites it)");
    }

    [Fact]
    public void VectorFile_ParsesBackToItsSamples()
    {
        foreach (var vector in JsonNode.Parse(RepositoryFiles.ReadText(VectorsFile))!.AsArray().Where(v => !((string)v!["name"]!).StartsWith("envelope", StringComparison.Ordinal)))
        {
            var value = Convert.FromBase64String((string)vector!["value_b64"]!);
            var json = (string)vector["content_type"]! == ContentTypes.Json;
            TrainingSample? parsed;
            Rejection? rejection;
            var ok = json ? SampleJsonCodec.TryParse(value, out parsed, out rejection) : SampleProtobufCodec.TryParse(value, out parsed, out rejection);
            Assert.True(ok, $"{vector["name"]}: {rejection?.Message}");
            var sample = vector["sample"]!;
            Assert.Equal((string)sample["id"]!, parsed!.Id);
            Assert.Equal((int)sample["label"]!, parsed.Label);
            Assert.Equal(Convert.FromBase64String((string)sample["features_b64"]!), FloatBytes(parsed.Features));
        }
    }

    private static JsonArray Build()
    {
        float[] odd = [0.1f, -0.0f, 1e-45f, 3.4028235e38f, -2.5f, 1f / 3, 0f, 255f / 255];
        var full = Sample("fm-000042", odd, 7, "web", 2.5, ("split", "train"), ("note", "ü ✓"));
        var minimal = Sample("s-0", [1f, 2f, 3f], 0, "", null);
        var negative = Sample("s-neg", [0.5f], -3, "", null);
        var random = new Random(16);
        var image = Sample("fm-059999", [.. Enumerable.Range(0, 784).Select(_ => random.Next(256) / 255f)], 9, "generator", null, ("true_label", "4"), ("is_noisy", "true"));
        return
        [
            Vector("protobuf-all-fields", ContentTypes.Protobuf, SampleProtobufCodec.Write(full), full),
            Vector("protobuf-defaults-omitted", ContentTypes.Protobuf, SampleProtobufCodec.Write(minimal), minimal),
            Vector("protobuf-negative-label", ContentTypes.Protobuf, SampleProtobufCodec.Write(negative), negative),
            Vector("protobuf-784-features", ContentTypes.Protobuf, SampleProtobufCodec.Write(image), image),
            Vector("json-features-array", ContentTypes.Json, SampleJsonCodec.Write(full, false), full),
            Vector("json-features-b64", ContentTypes.Json, SampleJsonCodec.Write(full, true), full),
            Vector("json-784-features", ContentTypes.Json, SampleJsonCodec.Write(image, false), image),
            Vector("envelope-of-protobuf", ContentTypes.Json, Envelope(SampleProtobufCodec.Write(full), ContentTypes.Protobuf), full),
            Vector("envelope-of-json", ContentTypes.Json, Envelope(SampleJsonCodec.Write(full, false), ContentTypes.Json), full),
        ];
    }

    /// <summary>The trainer-stream value in <c>Sink:TrainerStream:Mode=envelope</c> of a sample the producer wrote as <paramref name="original"/>.</summary>
    private static byte[] Envelope(byte[] original, string contentType)
    {
        var canonical = new CanonicalSample { OriginalPayload = Google.Protobuf.ByteString.CopyFrom(original), ContentType = contentType };
        var scored = new ScoredSample { Canonical = canonical, Weight = 0.75f, Bucket = Bucket.Hard, ModelVersion = 12, Scores = new Scores { Noise = 0.25f } };
        return TrainerMessages.Build(scored, new TrainerStreamOptions { Mode = TrainerStreamModes.Envelope }, new TopicOptions()).Single().Value;
    }

    private static TrainingSample Sample(string id, float[] features, int label, string source, double? difficulty, params (string Key, string Value)[] attributes)
    {
        var sample = new TrainingSample { Id = id, Label = label, Source = source };
        sample.Features.AddRange(features);
        if (difficulty is { } d)
        {
            sample.HumanDifficulty = d;
        }

        foreach (var (key, value) in attributes)
        {
            sample.Attributes.Add(key, value);
        }

        return sample;
    }

    private static JsonObject Vector(string name, string contentType, byte[] value, TrainingSample sample)
    {
        var attributes = new JsonObject();
        foreach (var (key, text) in sample.Attributes)
        {
            attributes[key] = text;
        }

        return new JsonObject
        {
            ["name"] = name,
            ["content_type"] = contentType,
            ["value_b64"] = Convert.ToBase64String(value),
            ["sample"] = new JsonObject
            {
                ["id"] = sample.Id,
                ["label"] = sample.Label,
                ["features_b64"] = Convert.ToBase64String(FloatBytes(sample.Features)),
                ["source"] = sample.Source,
                ["human_difficulty"] = sample.HasHumanDifficulty ? sample.HumanDifficulty : null,
                ["attributes"] = attributes,
            },
        };
    }

    private static byte[] FloatBytes(IEnumerable<float> values) =>
        [.. values.SelectMany(v => BitConverter.IsLittleEndian ? BitConverter.GetBytes(v) : [.. BitConverter.GetBytes(v).Reverse()])];
}
