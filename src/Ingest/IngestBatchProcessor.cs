using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;
using EasyHard.Ingest.Parsing;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Ingest;

/// <summary>
/// Ingest's functional core as the Kafka shell sees it: one output per input record, in input order; valid records
/// become canonical protobuf samples on <see cref="TopicOptions.Samples"/> keyed by id, invalid ones dead letters
/// carrying the original bytes. Never throws for bad input.
/// <para>Duplicate ids are not bad input. Two records with the same sample id, in one batch or in different ones,
/// are both forwarded, in order, each with its own origin: a sample seen again (a later epoch, a re-labelled copy)
/// is a new exposure, which the Sink's upsert by id counts in <c>exposures</c>, and the Scorer must see every
/// exposure the trainer sees. Dropping the second one here would undercount exposures and hide re-labels; true
/// duplicates of one record (the same topic/partition/offset delivered twice) are made harmless downstream, where
/// the upsert ignores an exposure it already holds.</para>
/// </summary>
public sealed partial class IngestBatchProcessor : IBatchProcessor
{
    private readonly ParseRecord _parse;
    private readonly TopicOptions _topics;
    private readonly ILogger<IngestBatchProcessor> _logger;

    public IngestBatchProcessor(SampleParser parser, IOptions<TopicOptions> topics, ILogger<IngestBatchProcessor> logger)
        : this((parser ?? throw new ArgumentNullException(nameof(parser))).Parse, topics, logger)
    {
    }

    /// <summary>With another parse function: lets tests prove what happens when parsing throws.</summary>
    internal IngestBatchProcessor(ParseRecord parse, IOptions<TopicOptions> topics, ILogger<IngestBatchProcessor> logger)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(logger);
        _parse = parse;
        _topics = topics.Value;
        _logger = logger;
    }

    /// <summary>The signature of <see cref="SampleParser.Parse"/>.</summary>
    internal delegate SampleParseResult ParseRecord(ReadOnlyMemory<byte> value, string? contentType, ReadOnlySpan<byte> key, Origin origin);

    public Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        var output = new OutgoingMessage[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            output[i] = Process(batch[i]);
        }

        return Task.FromResult<IReadOnlyList<OutgoingMessage>>(output);
    }

    /// <summary>Parses one record into its outgoing message (canonical sample or dead letter).</summary>
    public OutgoingMessage Process(ConsumeResult<byte[], byte[]> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var value = record.Message.Value ?? [];
        var origin = new Origin
        {
            Topic = record.Topic ?? string.Empty,
            Partition = record.Partition.Value,
            Offset = record.Offset.Value,
            TimestampUnixMs = record.Message.Timestamp.UnixTimestampMs,
        };
        SampleParseResult result;
        try
        {
            result = _parse(value, ContentType(record.Message.Headers), record.Message.Key, origin);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            // No input should get here. If a defect lets one through, retrying the batch would fail on the same
            // record forever and stall its partition; dead-lettering it keeps the bytes for a fix and a replay.
            LogParserFailed(e, origin.Topic, record.Partition.Value, record.Offset.Value);
            result = SampleParseResult.Rejected(RejectReasons.ParserError, $"parsing threw {e.GetType().Name}: {e.Message}");
        }

        if (result.IsAccepted)
        {
            var canonical = result.Sample;
            return new OutgoingMessage(_topics.Samples, Encoding.UTF8.GetBytes(canonical.Sample.Id), canonical.ToByteArray()) { Source = record };
        }

        var rejection = result.Rejection;
        LogDeadLettered(origin.Topic, record.Partition.Value, record.Offset.Value, rejection.Reason, rejection.Message);
        return DeadLetters.Create(_topics.DeadLetter, record, rejection.Reason, rejection.Message);
    }

    /// <summary>
    /// Counts each record of a committed batch once: its size, and whether it was accepted or dead-lettered (by this
    /// core, or by the shell when its canonical sample could not be produced). A retried batch is not counted again.
    /// </summary>
    public void Committed(IReadOnlyList<OutgoingMessage> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var output in outputs)
        {
            if (output.Source is { } source)
            {
                IngestMetrics.RecordBytes.Observe(source.Message.Value?.Length ?? 0);
            }

            if (output.DeadLetterReason is { } reason)
            {
                IngestMetrics.DeadLetteredFor(reason).Inc();
            }
            else if (string.Equals(output.Topic, _topics.Samples, StringComparison.Ordinal))
            {
                IngestMetrics.RecordsAccepted.Inc();
            }
        }
    }

    private static string? ContentType(Headers? headers)
    {
        if (headers is null)
        {
            return null;
        }

        // Kafka header names are case-sensitive, but HTTP habits put "Content-Type" on the wire too; the last one wins.
        for (var i = headers.Count - 1; i >= 0; i--)
        {
            var header = headers[i];
            if (string.Equals(header.Key, ContentTypes.HeaderName, StringComparison.OrdinalIgnoreCase))
            {
                return Encoding.UTF8.GetString(header.GetValueBytes() ?? []);
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Parsing {Topic} {Partition} {Offset} threw; the record is dead-lettered as parser_error")]
    private partial void LogParserFailed(Exception exception, string topic, int partition, long offset);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dead-lettered {Topic} {Partition} {Offset}: {Reason} ({Detail})")]
    private partial void LogDeadLettered(string topic, int partition, long offset, string reason, string detail);
}
