using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using Google.Protobuf;

namespace EasyHard.Sink.Tests;

/// <summary>Builders of scored samples and consumed records for the tests.</summary>
internal static class Samples
{
    public const string ScoredTopic = "easyhard.scored";

    public static ScoredSample Scored(
        string id,
        long originOffset = 10,
        int originPartition = 0,
        string originTopic = "training-samples",
        float weight = 0.75f,
        bool quarantined = false,
        string contentType = ContentTypes.Json,
        byte[]? original = null,
        string source = "web",
        long modelVersion = 7)
    {
        original ??= Encoding.UTF8.GetBytes($$"""{"id":"{{id}}","label":3,"features":[0.5,0.25]}""");
        return new ScoredSample
        {
            Canonical = new CanonicalSample
            {
                Sample = new TrainingSample { Id = id, Label = 3, Source = source, HumanDifficulty = 2.0, Features = { 0.5f, 0.25f } },
                OriginalPayload = ByteString.CopyFrom(original),
                ContentType = contentType,
                Origin = new Origin { Topic = originTopic, Partition = originPartition, Offset = originOffset, TimestampUnixMs = 1_700_000_000_000 },
            },
            Scores = new Scores
            {
                Loss = 1.25f,
                SelfConfidence = 0.25f,
                Margin = -0.5f,
                El2N = 0.875f,
                GradNorm = 2.5f,
                Influence = -0.125f,
                Difficulty = 0.75f,
                Noise = 0.0625f,
                Disagreement = 0.03125f,
                PredictedLabel = 1,
                SuggestedLabel = 2,
                SuggestedLabelP = 0.5f,
            },
            Weight = weight,
            Bucket = Bucket.Hard,
            ModelVersion = modelVersion,
            Warming = false,
            Quarantined = quarantined,
            ScoredAtUnixMs = 1_700_000_100_000 + originOffset,
        };
    }

    /// <summary>A scored sample with the given label, noise and suggestion (no suggestion when <paramref name="p"/> is 0).</summary>
    public static ScoredSample Labelled(string id, int label, float noise, int suggested, float p, bool warming = false, long originOffset = 10)
    {
        var scored = Scored(id, originOffset);
        scored.Canonical.Sample.Label = label;
        scored.Scores.Noise = noise;
        scored.Scores.SuggestedLabel = suggested;
        scored.Scores.SuggestedLabelP = p;
        scored.Warming = warming;
        return scored;
    }

    public static ConsumeResult<byte[], byte[]> Record(byte[] value, long offset = 100, int partition = 1, byte[]? key = null) => new()
    {
        Topic = ScoredTopic,
        Partition = new Partition(partition),
        Offset = new Offset(offset),
        Message = new Message<byte[], byte[]> { Key = key!, Value = value, Timestamp = new Timestamp(1_700_000_200_000, TimestampType.CreateTime) },
    };

    public static ConsumeResult<byte[], byte[]> Record(ScoredSample scored, long offset = 100) =>
        Record(scored.ToByteArray(), offset, key: Encoding.UTF8.GetBytes(scored.Canonical.Sample.Id));

    public static string HeaderText(Headers headers, string name) =>
        Encoding.ASCII.GetString(headers.GetLastBytes(name));
}
