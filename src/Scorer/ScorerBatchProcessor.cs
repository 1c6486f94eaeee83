using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Scoring;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer;

/// <summary>
/// Kafka adapter of the scorer: parses <see cref="CanonicalSample"/> records, dead-letters the ones that cannot be
/// scored, scores the rest as one prequential batch and returns one <see cref="ScoredSample"/> per valid record on
/// the scored topic (key = UTF-8 sample id), all in input order.
/// </summary>
public sealed class ScorerBatchProcessor : IBatchProcessor
{
    private readonly ScoringEngine engine;
    private readonly TopicOptions topics;
    private readonly ILogger<ScorerBatchProcessor> logger;

    public ScorerBatchProcessor(ScoringEngine engine, IOptions<TopicOptions> topics, ILogger<ScorerBatchProcessor> logger)
    {
        this.engine = engine;
        this.topics = topics.Value;
        this.logger = logger;
    }

    public Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        var output = new OutgoingMessage?[batch.Count];
        var valid = new List<CanonicalSample>(batch.Count);
        var positions = new List<int>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            var (sample, reason, message) = Parse(record.Message?.Value);
            if (sample is null)
            {
                output[i] = DeadLetter(record, reason!, message!);
                continue;
            }

            valid.Add(sample);
            positions.Add(i);
        }

        if (valid.Count > 0)
        {
            // A full batch means the consumer has more input waiting: the scorer is the bottleneck, so it rehearses less.
            var scored = engine.Score(valid, null, backlogged: batch.Count >= engine.MaxBatchSize);
            for (int k = 0; k < scored.Count; k++)
            {
                var result = scored[k];
                output[positions[k]] = new OutgoingMessage(topics.Scored, Encoding.UTF8.GetBytes(result.Canonical.Sample.Id), result.ToByteArray())
                {
                    Source = batch[positions[k]],
                };
            }
        }

        return Task.FromResult<IReadOnlyList<OutgoingMessage>>(output.Select(m => m!).ToArray());
    }

    /// <summary>Counts the dead letters of a committed batch once each, whoever made them (this core or the shell).</summary>
    public void Committed(IReadOnlyList<OutgoingMessage> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var output in outputs)
        {
            if (output.DeadLetterReason is { } reason)
            {
                ScorerMetrics.DeadLetter(reason).Inc();
            }
        }
    }

    private (CanonicalSample? Sample, string? Reason, string? Message) Parse(byte[]? value)
    {
        if (value is null || value.Length == 0)
        {
            return (null, RejectReasons.EmptyPayload, "Record value is empty; expected a protobuf easyhard.v1.CanonicalSample.");
        }

        CanonicalSample sample;
        try
        {
            sample = CanonicalSample.Parser.ParseFrom(value);
        }
        catch (InvalidProtocolBufferException e)
        {
            return (null, RejectReasons.Unparsable, $"Record value is not a protobuf easyhard.v1.CanonicalSample: {e.Message}");
        }

        var reason = engine.Validate(sample.Sample);
        return reason switch
        {
            null => (sample, null, null),
            RejectReasons.WrongDimension => (null, reason, $"Sample has {sample.Sample.Features.Count} features; the scorer expects {engine.Dimension}."),
            RejectReasons.LabelOutOfRange => (null, reason, $"Label {sample.Sample.Label} is outside [0, {engine.Classes})."),
            RejectReasons.MissingSample => (null, reason, "CanonicalSample carries no sample."),
            RejectReasons.MissingId => (null, reason, "Sample has no id."),
            _ => (null, reason, "Sample has a NaN or infinite feature."),
        };
    }

    private OutgoingMessage DeadLetter(ConsumeResult<byte[], byte[]> record, string reason, string message)
    {
        ScorerLog.DeadLettered(logger, record.Topic, record.Partition.Value, record.Offset.Value, message);
        return DeadLetters.Create(topics.DeadLetter, record, reason, message);
    }
}
