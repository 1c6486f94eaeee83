using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;
using EasyHard.Ingest.Parsing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EasyHard.Ingest.Tests.BadInput;

[Collection(IngestMetricsCollection.Name)]
public sealed class BadRecordCorpusTests
{
    private static readonly TopicOptions Topics = new() { Samples = "samples-test", DeadLetter = "dlq-test" };

    public static TheoryData<string> Kinds => new(BadRecordCorpus.All.Select(r => r.Kind));

    [Fact]
    public void Corpus_HasDistinctKindsCoveringEveryReasonBadInputCanHave()
    {
        var reasons = BadRecordCorpus.All.Select(r => r.Reason).ToHashSet();

        Assert.True(BadRecordCorpus.All.Count >= 30, $"only {BadRecordCorpus.All.Count} kinds");
        Assert.Equal(BadRecordCorpus.All.Count, BadRecordCorpus.ByKind.Count);
        // parser_error is the one reason no input may produce; ProcessAsync_ParserThrows_* covers it. output_too_large
        // and undeliverable are the Kafka shell's, for accepted records whose output cannot be produced.
        Assert.Equal(RejectReasons.Ingest.Except([RejectReasons.ParserError, RejectReasons.OutputTooLarge, RejectReasons.Undeliverable]).Order(),
            reasons.Order());
    }

    [Fact]
    public void RejectReasons_AreDistinctSnakeCase()
    {
        Assert.Equal(RejectReasons.Ingest.Count, RejectReasons.Ingest.Distinct(StringComparer.Ordinal).Count());
        Assert.All(RejectReasons.All, code => Assert.Matches("^[a-z][a-z0-9]*(_[a-z0-9]+)*$", code));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Parse_BadRecord_IsRejectedWithItsReason(string kind)
    {
        var bad = BadRecordCorpus.ByKind[kind];

        var result = Parser().Parse(bad.Payload, bad.ContentType, bad.Key ?? [], TestSamples.Origin);

        Assert.False(result.IsAccepted, $"'{kind}' was accepted as {result.Sample}");
        Assert.Equal(bad.Reason, result.Rejection.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Rejection.Message));
        // The message goes into a Kafka header and a log line: it quotes the input, but never unboundedly.
        Assert.True(result.Rejection.Message.Length <= 512, $"message of {result.Rejection.Message.Length} chars");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task ProcessAsync_BadRecordBetweenValidOnes_IsDeadLetteredOnceAndNeighboursPassUnchanged(string kind)
    {
        var bad = BadRecordCorpus.ByKind[kind];
        var before = Valid(10, "before");
        var after = ValidProtobuf(12, "after");
        var expectedNeighbours = await Processor().ProcessAsync([Valid(10, "before"), ValidProtobuf(12, "after")], CancellationToken.None);

        var key = bad.Key ?? "k-bad"u8.ToArray();
        var output = await Processor().ProcessAsync(
            [before, TestSamples.Record(bad.Payload, bad.ContentType, key, offset: 11), after],
            CancellationToken.None);

        Assert.Equal(["samples-test", "dlq-test", "samples-test"], output.Select(m => m.Topic));
        AssertSameMessage(expectedNeighbours[0], output[0]);
        AssertSameMessage(expectedNeighbours[1], output[2]);
        AssertDeadLetter(output[1], bad, 11, key);
    }

    [Fact]
    public async Task ProcessAsync_WholeCorpusInterleavedWithValidRecords_RoutesEveryRecordOnceInOrder()
    {
        var batch = new List<ConsumeResult<byte[], byte[]>>();
        var expected = new List<BadRecord?>();
        long offset = 0;
        foreach (var bad in BadRecordCorpus.All)
        {
            batch.Add(Valid(offset++, $"v-{offset}"));
            expected.Add(null);
            batch.Add(TestSamples.Record(bad.Payload, bad.ContentType, bad.Key, offset++));
            expected.Add(bad);
        }

        var output = await Processor().ProcessAsync(batch, CancellationToken.None);

        Assert.Equal(batch.Count, output.Count);
        for (var i = 0; i < output.Count; i++)
        {
            if (expected[i] is { } bad)
            {
                AssertDeadLetter(output[i], bad, batch[i].Offset.Value, bad.Key);
            }
            else
            {
                Assert.Equal("samples-test", output[i].Topic);
                var canonical = CanonicalSample.Parser.ParseFrom(output[i].Value);
                Assert.Equal(batch[i].Offset.Value, canonical.Origin.Offset);
                Assert.Equal(batch[i].Message.Value, canonical.OriginalPayload.ToByteArray());
            }
        }
    }

    [Fact]
    public async Task ProcessAsync_ParserThrows_DeadLettersAsParserErrorAndCarriesOn()
    {
        var parser = Parser();
        var poison = "poison"u8.ToArray();
        var processor = new IngestBatchProcessor(
            (value, contentType, key, origin) => value.Span.SequenceEqual(poison)
                ? throw new InvalidOperationException("defect")
                : parser.Parse(value, contentType, key, origin),
            Options.Create(Topics),
            NullLogger<IngestBatchProcessor>.Instance);
        var before = IngestMetrics.DeadLetteredFor(RejectReasons.ParserError).Value;

        var output = await processor.ProcessAsync([Valid(1, "a"), TestSamples.Record(poison, offset: 2), Valid(3, "b")], CancellationToken.None);
        processor.Committed(output);

        Assert.Equal(["samples-test", "dlq-test", "samples-test"], output.Select(m => m.Topic));
        Assert.Equal(poison, output[1].Value);
        Assert.Equal(RejectReasons.ParserError, Header(output[1], HeaderNames.ErrorReason));
        Assert.Contains("InvalidOperationException: defect", Header(output[1], HeaderNames.Error), StringComparison.Ordinal);
        Assert.Equal(before + 1, IngestMetrics.DeadLetteredFor(RejectReasons.ParserError).Value);
    }

    private static SampleParser Parser() => new(BadRecordCorpus.Schema);

    private static IngestBatchProcessor Processor() => new(Parser(), Options.Create(Topics), NullLogger<IngestBatchProcessor>.Instance);

    private static ConsumeResult<byte[], byte[]> Valid(long offset, string id) =>
        TestSamples.Record(BadRecordCorpus.ValidJson(id), ContentTypes.Json, Encoding.UTF8.GetBytes(id), offset);

    private static ConsumeResult<byte[], byte[]> ValidProtobuf(long offset, string id) =>
        TestSamples.Record(TestSamples.Protobuf(TestSamples.Sample(id)), null, null, offset);

    private static void AssertSameMessage(OutgoingMessage expected, OutgoingMessage actual)
    {
        Assert.Equal(expected.Topic, actual.Topic);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Value, actual.Value);
    }

    private static void AssertDeadLetter(OutgoingMessage dead, BadRecord bad, long offset, byte[]? key)
    {
        Assert.Equal("dlq-test", dead.Topic);
        Assert.Equal(bad.Payload, dead.Value);
        Assert.Equal(key, dead.Key);
        Assert.Equal(bad.Reason, Header(dead, HeaderNames.ErrorReason));
        Assert.False(string.IsNullOrWhiteSpace(Header(dead, HeaderNames.Error)));
        Assert.Equal("training-samples", Header(dead, HeaderNames.SourceTopic));
        Assert.Equal("2", Header(dead, HeaderNames.SourcePartition));
        Assert.Equal(offset.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(dead, HeaderNames.SourceOffset));
        Assert.Equal(1, dead.Headers!.Count(h => h.Key == HeaderNames.ErrorReason));
    }

    private static string Header(OutgoingMessage message, string name) => Encoding.UTF8.GetString(message.Headers!.GetLastBytes(name));
}
