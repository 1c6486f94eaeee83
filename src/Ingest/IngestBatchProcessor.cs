using System.Text;
using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Core.Contracts;
using EasyHard.Core.Contracts.V1;
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
/// </summary>
public sealed partial class IngestBatchProcessor : IBatchProcessor
{
    private readonly SampleParser _parser;
    private readonly TopicOptions _topics;
    private readonly ILogger<IngestBatchProcessor> _logger;

    public IngestBatchProcessor(SampleParser parser, IOptions<TopicOptions> topics, ILogger<IngestBatchProcessor> logger)
    {
        ArgumentNullException.ThrowIfNull(parser);
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(logger);
        _parser = parser;
        _topics = topics.Value;
        _logger = logger;
    }

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
        IngestMetrics.RecordBytes.Observe(value.Length);
        var origin = new Origin
        {
            Topic = record.Topic ?? string.Empty,
            Partition = record.Partition.Value,
            Offset = record.Offset.Value,
            TimestampUnixMs = record.Message.Timestamp.UnixTimestampMs,
        };
        var result = _parser.Parse(value, ContentType(record.Message.Headers), record.Message.Key, origin);
        if (result.IsAccepted)
        {
            IngestMetrics.RecordsAccepted.Inc();
            var canonical = result.Sample;
            return new OutgoingMessage(_topics.Samples, Encoding.UTF8.GetBytes(canonical.Sample.Id), canonical.ToByteArray());
        }

        var rejection = result.Rejection;
        IngestMetrics.DeadLetteredFor(rejection.Reason).Inc();
        LogDeadLettered(origin.Topic, record.Partition.Value, record.Offset.Value, rejection.Reason, rejection.Message);
        return DeadLetters.Create(_topics.DeadLetter, record, rejection.Reason, rejection.Message);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dead-lettered {Topic} {Partition} {Offset}: {Reason} ({Detail})")]
    private partial void LogDeadLettered(string topic, int partition, long offset, string reason, string detail);
}
