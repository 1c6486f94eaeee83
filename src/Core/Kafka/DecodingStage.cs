using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using Microsoft.Extensions.Logging;

namespace EasyHard.Core.Kafka;

/// <summary>
/// The shell's first stage for every role (as a middleware is in KafkaFlow): decodes each record of a micro-batch,
/// dead-letters the ones that cannot be decoded (original bytes, reason code and message, logged), hands the valid
/// inputs to the role's <see cref="IRecordProcessor{TInput}"/> and returns every output in input order. A decoder
/// that throws has a defect: retrying would fail on the same record forever and stall its partition, so the record
/// is dead-lettered as <c>parser_error</c> and logged as an error. A role's processor class derives from this with
/// its decoder and core, so the worker sees one <see cref="IBatchProcessor"/>.
/// </summary>
public abstract partial class DecodingStage<TInput> : IBatchProcessor
    where TInput : class
{
    private readonly IRecordDecoder<TInput> _decoder;
    private readonly IRecordProcessor<TInput> _core;
    private readonly string _deadLetterTopic;
    private readonly LogLevel _deadLetterLevel;
    private readonly ILogger _logger;

    /// <param name="deadLetterLevel">How a dead letter is logged: bad input from producers is routine (Debug), a bad
    /// record between roles is not (Warning).</param>
    protected DecodingStage(IRecordDecoder<TInput> decoder, IRecordProcessor<TInput> core, string deadLetterTopic, LogLevel deadLetterLevel, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(core);
        ArgumentException.ThrowIfNullOrEmpty(deadLetterTopic);
        ArgumentNullException.ThrowIfNull(logger);
        (_decoder, _core, _deadLetterTopic, _deadLetterLevel, _logger) = (decoder, core, deadLetterTopic, deadLetterLevel, logger);
    }

    public async Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        var deadLetters = new OutgoingMessage?[batch.Count];
        var accepted = new List<Accepted<TInput>>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            var decoded = Decode(record);
            if (decoded.Rejection is { } rejection)
            {
                LogDeadLettered(_deadLetterLevel, record.Topic, record.Partition.Value, record.Offset.Value, rejection.Reason, rejection.Message);
                deadLetters[i] = DeadLetters.Create(_deadLetterTopic, record, rejection.Reason, rejection.Message);
            }
            else
            {
                accepted.Add(new Accepted<TInput>(decoded.Value!, record));
            }
        }

        var outputs = accepted.Count == 0 ? [] : await _core.ProcessAsync(accepted, cancellationToken);
        return InInputOrder(batch, deadLetters, outputs);
    }

    public void Committed(IReadOnlyList<OutgoingMessage> outputs) => _core.Committed(outputs);

    public void PartitionsAssigned(IReadOnlyList<TopicPartition> partitions) => _core.PartitionsAssigned(partitions);

    public void PartitionsRevoked(IReadOnlyCollection<TopicPartition> partitions) => _core.PartitionsRevoked(partitions);

    private Decoded<TInput> Decode(ConsumeResult<byte[], byte[]> record)
    {
        try
        {
            return _decoder.Decode(record);
        }
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            LogDecoderFailed(e, record.Topic, record.Partition.Value, record.Offset.Value);
            return Decoded<TInput>.Reject(RejectReasons.ParserError, $"parsing threw {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Each record's dead letter or its outputs (the core's come in input order), record by record.</summary>
    private static List<OutgoingMessage> InInputOrder(IReadOnlyList<ConsumeResult<byte[], byte[]>> batch, OutgoingMessage?[] deadLetters, IReadOnlyList<OutgoingMessage> outputs)
    {
        var merged = new List<OutgoingMessage>(batch.Count + outputs.Count);
        var next = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            if (deadLetters[i] is { } deadLetter)
            {
                merged.Add(deadLetter);
                continue;
            }

            while (next < outputs.Count && ReferenceEquals(outputs[next].Source, batch[i]))
            {
                merged.Add(outputs[next++]);
            }
        }

        // Outputs that name no input (or not in order) keep their own order after the rest.
        for (; next < outputs.Count; next++)
        {
            merged.Add(outputs[next]);
        }

        return merged;
    }

    [LoggerMessage(Message = "Dead-lettered {Topic} {Partition} {Offset}: {Reason} ({Detail})")]
    private partial void LogDeadLettered(LogLevel level, string topic, int partition, long offset, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Decoding {Topic} {Partition} {Offset} threw; the record is dead-lettered as parser_error")]
    private partial void LogDecoderFailed(Exception exception, string topic, int partition, long offset);
}
