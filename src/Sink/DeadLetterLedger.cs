using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Core.Kafka;
using EasyHard.Sink.Persistence;
using Microsoft.Extensions.Options;

namespace EasyHard.Sink;

/// <summary>
/// Counts the dead-letter topic in SQL (<c>dead_letters</c>): what every role dead-lettered, by role and reason, so the
/// report can say so from the database alone. Ingest and the Scorer dead-letter records that never reach the Sink;
/// their only trace is the topic. It produces nothing; a redelivered batch counts nothing twice
/// (<see cref="ReportTables"/>); a SQL failure throws and the shell retries the batch.
/// </summary>
public sealed class DeadLetterLedger(ISampleStore store, IOptions<TopicOptions> topics, SchemaState? schema = null) : IBatchProcessor
{
    private readonly TopicOptions _topics = topics.Value;

    public async Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (schema is { NotReadyReason: { } notReady })
        {
            throw new InvalidOperationException($"SQL schema not migrated yet: {notReady}");
        }

        var records = batch.Select(r => new DeadLetteredRecord(
            DeadLetterRoles.Of(RecordHeaders.Text(r, HeaderNames.SourceTopic), _topics), RecordHeaders.Text(r, HeaderNames.ErrorReason) ?? DeadLetterRoles.Unknown,
            r.Partition.Value, r.Offset.Value)).ToList();
        await store.CountDeadLettersAsync(records, cancellationToken);
        return [];
    }
}
