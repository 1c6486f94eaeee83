using System.Diagnostics;
using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using EasyHard.Sink.Persistence;
using EasyHard.Sink.TrainerStream;
using Microsoft.Extensions.Logging;

namespace EasyHard.Sink;

/// <summary>
/// The Sink's functional core: upserts a micro-batch's valid scored samples in one SQL transaction and returns their
/// trainer-stream records. Rows are durable before this returns, and the shell commits offsets only after that and
/// after the produces are delivered, so a crash re-delivers (the upsert absorbs it) but never loses a row. A SQL
/// failure throws: the shell backs off and retries the batch.
/// </summary>
internal sealed partial class SinkCore(ISampleStore store, TrainerStreamOptions stream, TopicOptions topics, ILogger logger, SchemaState? schema)
    : IRecordProcessor<ScoredSample>
{
    public async Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<Accepted<ScoredSample>> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var output = new List<OutgoingMessage>(inputs.Count);
        var rows = new List<ScoredSample>(inputs.Count);
        foreach (var (scored, record) in inputs)
        {
            rows.Add(scored);
            foreach (var trainerRecord in TrainerMessages.Build(scored, stream, topics))
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
    /// (the decoder's, or the shell's when a trainer record could not be produced).
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
        if (schema is { NotReadyReason: { } notReady })
        {
            // Thrown like any SQL failure: the shell backs off, retries the batch and reports the role not ready.
            throw new InvalidOperationException($"SQL schema not migrated yet: {notReady}");
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            await store.UpsertAsync(rows, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            SinkMetrics.SqlErrors.Inc();
            LogSqlWriteFailed(logger, e, rows.Count);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "SQL write of {Rows} rows failed; the batch will be retried")]
    private static partial void LogSqlWriteFailed(ILogger logger, Exception exception, int rows);
}
