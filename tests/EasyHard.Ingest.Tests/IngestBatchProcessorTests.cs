using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
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

        var processor = Processor();
        var output = await processor.ProcessAsync([TestSamples.Record(bad, ContentTypes.Json, key, offset: 77)], CancellationToken.None);
        processor.Committed(output);

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
    public async Task Committed_AcceptedRecord_CountsMetrics()
    {
        var accepted = IngestMetrics.RecordsAccepted.Value;
        var sizes = IngestMetrics.RecordBytes.Count;
        var processor = Processor();

        processor.Committed(await processor.ProcessAsync([TestSamples.Record(SampleProtobufCodec.Write(TestSamples.Sample()))], CancellationToken.None));

        Assert.Equal(accepted + 1, IngestMetrics.RecordsAccepted.Value);
        Assert.Equal(sizes + 1, IngestMetrics.RecordBytes.Count);
    }

    [Fact]
    public async Task ProcessAsync_RetriedBatch_CountsEachRecordOnceWhenCommitted()
    {
        // A batch whose delivery fails is processed again on every retry; only the attempt that commits may count.
        var batch = new[]
        {
            TestSamples.Record(SampleProtobufCodec.Write(TestSamples.Sample("r-1", 1)), ContentTypes.Protobuf, offset: 1),
            TestSamples.Record(TestSamples.Json("{\"id\":\"r-2\",\"features\":[1,2,3,4],\"label\":11}"), ContentTypes.Json, offset: 2),
        };
        var accepted = IngestMetrics.RecordsAccepted.Value;
        var rejected = IngestMetrics.DeadLetteredFor(RejectReasons.LabelOutOfRange).Value;
        var sizes = IngestMetrics.RecordBytes.Count;
        var processor = Processor();

        IReadOnlyList<Core.Kafka.OutgoingMessage> output = [];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            output = await processor.ProcessAsync(batch, CancellationToken.None);
        }

        Assert.Equal(accepted, IngestMetrics.RecordsAccepted.Value);
        Assert.Equal(rejected, IngestMetrics.DeadLetteredFor(RejectReasons.LabelOutOfRange).Value);
        Assert.Equal(sizes, IngestMetrics.RecordBytes.Count);

        processor.Committed(output);

        Assert.Equal(accepted + 1, IngestMetrics.RecordsAccepted.Value);
        Assert.Equal(rejected + 1, IngestMetrics.DeadLetteredFor(RejectReasons.LabelOutOfRange).Value);
        Assert.Equal(sizes + 2, IngestMetrics.RecordBytes.Count);
    }

    [Fact]
    public async Task Committed_OutputDeadLetteredByTheShell_CountsAsDeadLetteredNotAccepted()
    {
        var record = TestSamples.Record(SampleProtobufCodec.Write(TestSamples.Sample("big", 1)), ContentTypes.Protobuf, offset: 3);
        var processor = Processor();
        var output = await processor.ProcessAsync([record], CancellationToken.None);
        Assert.Same(record, Assert.Single(output).Source);
        var accepted = IngestMetrics.RecordsAccepted.Value;
        var tooLarge = IngestMetrics.DeadLetteredFor(RejectReasons.OutputTooLarge).Value;

        processor.Committed([Core.Kafka.DeadLetters.Create("dlq-test", record, RejectReasons.OutputTooLarge, "too large")]);

        Assert.Equal(accepted, IngestMetrics.RecordsAccepted.Value);
        Assert.Equal(tooLarge + 1, IngestMetrics.DeadLetteredFor(RejectReasons.OutputTooLarge).Value);
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
