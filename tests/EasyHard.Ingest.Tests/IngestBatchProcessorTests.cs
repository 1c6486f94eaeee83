using System.Text;
using Confluent.Kafka;
using EasyHard.Core.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Core.Contracts;
using EasyHard.Core.Contracts.V1;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EasyHard.Ingest.Tests;

[Collection(IngestMetricsCollection.Name)]
public sealed class IngestBatchProcessorTests
{
    private static readonly TopicOptions Topics = new() { Samples = "samples-test", DeadLetter = "dlq-test" };

    private static IngestBatchProcessor Processor() =>
        new(TestSamples.Parser(), Options.Create(Topics), NullLogger<IngestBatchProcessor>.Instance);

    [Fact]
    public async Task ProcessAsync_MixedBatch_KeepsOrderAndRoutesEachRecord()
    {
        var good = SampleJsonCodec.Write(TestSamples.Sample("g-1", 4));
        var bad = TestSamples.Json("{\"id\":\"b-1\",\"features\":[1,2,3],\"label\":4}");
        var proto = SampleProtobufCodec.Write(TestSamples.Sample("g-2", 5));
        var batch = new[]
        {
            TestSamples.Record(good, ContentTypes.Json, offset: 10),
            TestSamples.Record(bad, offset: 11),
            TestSamples.Record(proto, ContentTypes.Protobuf, offset: 12),
        };

        var output = await Processor().ProcessAsync(batch, CancellationToken.None);

        Assert.Equal(["samples-test", "dlq-test", "samples-test"], output.Select(m => m.Topic));
        Assert.Equal("g-1", Encoding.UTF8.GetString(output[0].Key!));
        Assert.Equal("g-2", Encoding.UTF8.GetString(output[2].Key!));
        var canonical = CanonicalSample.Parser.ParseFrom(output[0].Value);
        Assert.Equal(good, canonical.OriginalPayload.ToByteArray());
        Assert.Equal(10, canonical.Origin.Offset);
        Assert.Equal(2, canonical.Origin.Partition);
        Assert.Equal("training-samples", canonical.Origin.Topic);
        Assert.Equal(1_700_000_000_000, canonical.Origin.TimestampUnixMs);
        Assert.Equal(5, CanonicalSample.Parser.ParseFrom(output[2].Value).Sample.Label);
    }

    [Fact]
    public async Task ProcessAsync_BadRecord_GoesToDeadLetterWithOriginalBytesAndHeaders()
    {
        var bad = TestSamples.Json("{\"id\":\"b-1\",\"features\":[1,2,3,4],\"label\":11}");
        var key = "b-key"u8.ToArray();
        var before = IngestMetrics.DeadLetteredFor(RejectReasons.LabelOutOfRange).Value;

        var output = await Processor().ProcessAsync([TestSamples.Record(bad, ContentTypes.Json, key, offset: 77)], CancellationToken.None);

        var dead = Assert.Single(output);
        Assert.Equal("dlq-test", dead.Topic);
        Assert.Equal(bad, dead.Value);
        Assert.Equal(key, dead.Key);
        Assert.NotNull(dead.Headers);
        Assert.Contains("label 11", Header(dead.Headers, HeaderNames.Error), StringComparison.Ordinal);
        Assert.Equal(RejectReasons.LabelOutOfRange, Header(dead.Headers, HeaderNames.ErrorReason));
        Assert.Equal("training-samples", Header(dead.Headers, HeaderNames.SourceTopic));
        Assert.Equal("2", Header(dead.Headers, HeaderNames.SourcePartition));
        Assert.Equal("77", Header(dead.Headers, HeaderNames.SourceOffset));
        Assert.Equal(before + 1, IngestMetrics.DeadLetteredFor(RejectReasons.LabelOutOfRange).Value);
    }

    [Fact]
    public async Task ProcessAsync_NullValue_IsDeadLetteredAsEmpty()
    {
        var output = await Processor().ProcessAsync([TestSamples.Record(null)], CancellationToken.None);

        var dead = Assert.Single(output);
        Assert.Equal("dlq-test", dead.Topic);
        Assert.Empty(dead.Value);
        Assert.Equal(RejectReasons.EmptyPayload, Header(dead.Headers!, HeaderNames.ErrorReason));
    }

    [Fact]
    public async Task ProcessAsync_CapitalizedContentTypeHeader_IsHonoured()
    {
        var record = TestSamples.Record(TestSamples.Json("{\"features\":[1,2,3,4],\"label\":1}"));
        record.Message.Headers.Add("Content-Type", "text/plain"u8.ToArray());

        var output = await Processor().ProcessAsync([record], CancellationToken.None);

        Assert.Equal(RejectReasons.UnsupportedContentType, Header(Assert.Single(output).Headers!, HeaderNames.ErrorReason));
    }

    [Fact]
    public async Task ProcessAsync_MissingIdAndKey_KeysCanonicalSampleByOrigin()
    {
        var output = await Processor().ProcessAsync(
            [TestSamples.Record(TestSamples.Json("{\"features\":[1,2,3,4],\"label\":1}"), offset: 5)], CancellationToken.None);

        var message = Assert.Single(output);
        Assert.Equal("training-samples-2-5", Encoding.UTF8.GetString(message.Key!));
        Assert.Equal("training-samples-2-5", CanonicalSample.Parser.ParseFrom(message.Value).Sample.Id);
    }

    [Fact]
    public async Task ProcessAsync_AcceptedRecord_CountsMetrics()
    {
        var accepted = IngestMetrics.RecordsAccepted.Value;
        var sizes = IngestMetrics.RecordBytes.Count;

        await Processor().ProcessAsync([TestSamples.Record(SampleProtobufCodec.Write(TestSamples.Sample()))], CancellationToken.None);

        Assert.True(IngestMetrics.RecordsAccepted.Value >= accepted + 1);
        Assert.True(IngestMetrics.RecordBytes.Count >= sizes + 1);
    }

    [Fact]
    public async Task ProcessAsync_SameIdTwiceInOneBatch_ForwardsBothExposuresInOrder()
    {
        // A repeated id is a new exposure (a later epoch, a re-labelled copy), not bad input: the Sink counts it.
        var first = SampleJsonCodec.Write(TestSamples.Sample("dup", 1));
        var second = SampleProtobufCodec.Write(TestSamples.Sample("dup", 2));
        var batch = new[]
        {
            TestSamples.Record(first, ContentTypes.Json, offset: 20),
            TestSamples.Record(second, ContentTypes.Protobuf, offset: 21),
        };

        var output = await Processor().ProcessAsync(batch, CancellationToken.None);

        Assert.Equal(["samples-test", "samples-test"], output.Select(m => m.Topic));
        Assert.All(output, m => Assert.Equal("dup", Encoding.UTF8.GetString(m.Key!)));
        var exposures = output.Select(m => CanonicalSample.Parser.ParseFrom(m.Value)).ToArray();
        Assert.Equal([20L, 21L], exposures.Select(c => c.Origin.Offset));
        Assert.Equal([1, 2], exposures.Select(c => c.Sample.Label));
        Assert.Equal(first, exposures[0].OriginalPayload.ToByteArray());
        Assert.Equal(second, exposures[1].OriginalPayload.ToByteArray());
    }

    [Fact]
    public async Task ProcessAsync_SameRecordTwiceInOneBatch_ForwardsItTwiceWithTheSameOrigin()
    {
        // A redelivery carries the same topic/partition/offset, which is what lets the Sink's upsert ignore it.
        var record = TestSamples.Record(SampleJsonCodec.Write(TestSamples.Sample("again")), offset: 30);

        var output = await Processor().ProcessAsync([record, record], CancellationToken.None);

        Assert.Equal(2, output.Count);
        Assert.Equal(output[0].Value, output[1].Value);
        Assert.Equal(30, CanonicalSample.Parser.ParseFrom(output[1].Value).Origin.Offset);
    }

    private static string Header(Headers headers, string name) => Encoding.UTF8.GetString(headers.GetLastBytes(name));
}
