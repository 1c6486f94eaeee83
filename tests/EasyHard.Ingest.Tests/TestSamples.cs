using System.Text;
using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Ingest.Parsing;
using Google.Protobuf;

namespace EasyHard.Ingest.Tests;

/// <summary>A small schema (4 features, 10 classes, 16-byte ids, 1 KiB records) and builders for test records.</summary>
internal static class TestSamples
{
    public const int Dimension = 4;
    public const int Classes = 10;
    public const int MaxIdLength = 16;
    public const int MaxRecordBytes = 1024;

    public static SampleSchemaOptions Schema => new()
    {
        Dimension = Dimension,
        Classes = Classes,
        MaxIdLength = MaxIdLength,
        MaxRecordBytes = MaxRecordBytes,
    };

    public static SampleParser Parser(SampleSchemaOptions? schema = null) => new(schema ?? Schema);

    public static Origin Origin => new() { Topic = "training-samples", Partition = 2, Offset = 42, TimestampUnixMs = 1_700_000_000_000 };

    public static TrainingSample Sample(string id = "s-1", int label = 3, params float[] features) => new()
    {
        Id = id,
        Label = label,
        Features = { features.Length == 0 ? [0.1f, 0.0f, -2.5f, 1e-7f] : features },
    };

    public static byte[] Json(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Protobuf(TrainingSample sample) => sample.ToByteArray();

    public static ConsumeResult<byte[], byte[]> Record(byte[]? value, string? contentType = null, byte[]? key = null, long offset = 42) => new()
    {
        Topic = "training-samples",
        Partition = new Partition(2),
        Offset = new Offset(offset),
        Message = new Message<byte[], byte[]>
        {
            Key = key!,
            Value = value!,
            Timestamp = new Timestamp(1_700_000_000_000, TimestampType.CreateTime),
            Headers = contentType is null ? [] : new Headers { { ContentTypes.HeaderName, Encoding.UTF8.GetBytes(contentType) } },
        },
    };
}
