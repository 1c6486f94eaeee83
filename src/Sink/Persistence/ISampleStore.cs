using EasyHard.Contracts.V1;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// The <c>sample_scores</c> table and the report's tables beside it. Writes are idempotent upserts keyed by sample id: a redelivered scored record
/// (same origin topic/partition/offset) changes nothing, a new exposure of the id updates the row and increments
/// <c>exposures</c>. Implementations are thread-safe singletons owning one data source.
/// </summary>
public interface ISampleStore : IAsyncDisposable
{
    /// <summary>Applies the embedded migrations not yet recorded in <c>schema_migrations</c>, in version order.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes all rows and keeps the features the report may draw in <c>sample_features</c> (bounded), in one
    /// transaction; durable when the task completes. Throws on SQL failure.
    /// </summary>
    Task UpsertAsync(IReadOnlyList<ScoredSample> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Counts records of the dead-letter topic in <c>dead_letters</c>, each once even when redelivered, in one
    /// transaction; durable when the task completes. Throws on SQL failure.
    /// </summary>
    Task CountDeadLettersAsync(IReadOnlyList<DeadLetteredRecord> deadLetters, CancellationToken cancellationToken);

    /// <summary>Number of rows in <c>sample_scores</c>.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>The row of one sample id, or null.</summary>
    Task<SampleScoreRow?> FindAsync(string sampleId, CancellationToken cancellationToken);

    /// <summary>Round-trips a trivial query; throws when the database cannot be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
