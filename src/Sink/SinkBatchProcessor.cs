using System.Diagnostics;
using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;
using EasyHard.Sink.Persistence;
using EasyHard.Sink.TrainerStream;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Sink;

/// <summary>
/// The Sink's functional core: parses a micro-batch of <c>easyhard.scored</c>, upserts every valid row in one SQL
/// transaction and returns the trainer-stream records plus dead letters (which <see cref="DeadLetterLedger"/> counts in SQL). Rows are durable before this returns, and
/// the shell commits offsets only after that and after the produces are delivered, so a crash re-delivers (the
/// upsert absorbs it) but never loses a row. A SQL failure throws: the shell backs off and retries the batch.
/// </summary>
public sealed partial class SinkBatchProcessor : IBatchProcessor
{
    private readonly ISampleStore _store;
    private readonly TrainerStreamOptions _stream;
    private readonly TopicOptions _topics;
    private readonly ILogger<SinkBatchProcessor> _logger;
    private readonly SchemaState? _schema;

    /// <param name="store">Where rows go.</param>
    /// <param name="options">The Sink's options.</param>
    /// <param name="topics">Topic names.</param>
    /// <param name="logger">Dead letters and SQL failures.</param>
    /// <param name="schema">Holds writes back until the schema is migrated; null when the caller migrated it already.</param>
    public SinkBatchProcessor(ISampleStore store, IOptions<SinkOptions> options, IOptions<TopicOptions> topics, ILogger<SinkBatchProcessor> logger,
        SchemaState? schema = null)
    {
        _schema = schema;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topics);
        _store = store;
        _stream = options.Value.TrainerStream;
        _topics = topics.Value;
        _logger = logger;
    }

    public async Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var output = new List<OutgoingMessage>(batch.Count);
        var rows = new List<ScoredSample>(batch.Count);
        foreach (var record in batch)
        {
            if (!TryAccept(record, out var scored, out var reason, out var message))
            {
                LogDeadLetter(_logger, record.Topic, record.Partition.Value, record.Offset.Value, reason, message);
                output.Add(DeadLetters.Create(_topics.DeadLetter, record, reason, message));
                continue;
            }

            rows.Add(scored);
            if (TrainerMessages.Build(scored, _stream, _topics) is { } trainerRecord)
            {
                output.Add(trainerRecord with { Source = record });
            }
        }

        if (rows.Count > 0)
        {
            await WriteAsync(rows, cancellationToken);
        }

        return output;
    }

    /// <summary>
    /// Counts the records of a committed batch once each: what was emitted, by topic, and the dead letters by reason
    /// (this core's, or the shell's when a trainer record could not be produced).
    /// </summary>
    public void Committed(IReadOnlyList<OutgoingMessage> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var message in outputs)
        {
            SinkMetrics.EmittedTo(message.Topic).Inc();
            if (message.DeadLetterReason is { } reason)
            {
                SinkMetrics.DeadLettered(reason).Inc();
            }
        }
    }

    private async Task WriteAsync(List<ScoredSample> rows, CancellationToken cancellationToken)
    {
        if (_schema is { NotReadyReason: { } notReady })
        {
            // Thrown like any SQL failure: the shell backs off, retries the batch and reports the role not ready.
            throw new InvalidOperationException($"SQL schema not migrated yet: {notReady}");
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await _store.UpsertAsync(rows, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            SinkMetrics.SqlErrors.Inc();
            LogSqlWriteFailed(_logger, e, rows.Count);
            throw;
        }

        SinkMetrics.SqlWriteDuration.Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        SinkMetrics.RowsWritten.Inc(rows.Count);
        var quarantined = 0;
        foreach (var row in rows)
        {
            SinkMetrics.Weight.Observe(row.Weight);
            if (row.Quarantined)
            {
                quarantined++;
            }
        }

        if (quarantined > 0)
        {
            SinkMetrics.Quarantined.Inc(quarantined);
        }
    }

    /// <summary>Parses and checks one record; every way it can be unusable has a reason code, none throws.</summary>
    internal static bool TryAccept(ConsumeResult<byte[], byte[]> record, out ScoredSample scored, out string reason, out string message)
    {
        scored = null!;
        reason = string.Empty;
        message = string.Empty;
        ScoredSample parsed;
        try
        {
            parsed = ScoredSample.Parser.ParseFrom(record.Message?.Value ?? []);
        }
        catch (InvalidProtocolBufferException e)
        {
            (reason, message) = (RejectReasons.Unparsable, "Value is not an easyhard.v1.ScoredSample protobuf: " + e.Message);
            return false;
        }

        var sample = parsed.Canonical?.Sample;
        if (sample is null || string.IsNullOrEmpty(sample.Id) || parsed.Scores is null)
        {
            (reason, message) = (RejectReasons.Incomplete, "ScoredSample lacks canonical.sample, its id, or scores.");
            return false;
        }

        if (sample.Id.Contains('\0', StringComparison.Ordinal)
            || sample.Source.Contains('\0', StringComparison.Ordinal)
            || (parsed.Canonical!.Origin?.Topic.Contains('\0', StringComparison.Ordinal) ?? false))
        {
            (reason, message) = (RejectReasons.InvalidText, "Id, source or origin topic contains U+0000, which SQL text cannot store.");
            return false;
        }

        var s = parsed.Scores;
        if (!float.IsFinite(parsed.Weight) || !float.IsFinite(s.Loss) || !float.IsFinite(s.SelfConfidence)
            || !float.IsFinite(s.Margin) || !float.IsFinite(s.El2N) || !float.IsFinite(s.GradNorm)
            || !float.IsFinite(s.Influence) || !float.IsFinite(s.Difficulty) || !float.IsFinite(s.Noise)
            || !float.IsFinite(s.Disagreement) || (sample.HasHumanDifficulty && !double.IsFinite(sample.HumanDifficulty)))
        {
            (reason, message) = (RejectReasons.NonFiniteScore, $"Sample '{sample.Id}' has a NaN or infinite weight or score.");
            return false;
        }

        // The origin makes the upsert idempotent. Ingest always sets it; should a producer of easyhard.scored not,
        // this record's own position is an equally unique exposure identity.
        parsed.Canonical.Origin ??= new Origin
        {
            Topic = record.Topic,
            Partition = record.Partition.Value,
            Offset = record.Offset.Value,
            TimestampUnixMs = record.Message?.Timestamp.UnixTimestampMs ?? 0,
        };
        scored = parsed;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-lettered scored record {Topic} {Partition} {Offset}: {Reason} ({Detail})")]
    private static partial void LogDeadLetter(ILogger logger, string topic, int partition, long offset, string reason, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "SQL write of {Rows} rows failed; the batch will be retried")]
    private static partial void LogSqlWriteFailed(ILogger logger, Exception exception, int rows);
}
