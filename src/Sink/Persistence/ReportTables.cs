using System.Data.Common;
using Dapper;
using EasyHard.Contracts.V1;
using EasyHard.Sink.Reporting;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// The report's tables beside <c>sample_scores</c>: <c>sample_features</c> (migration 0004), the features of the
/// samples the gallery may show (bounded by <see cref="ReportOptions"/>), written in the batch's transaction, and
/// <c>dead_letters</c> (migration 0005), every role's dead letters counted once each. The SQL here means the same on
/// SQLite and PostgreSQL.
/// </summary>
internal static class ReportTables
{
    /// <summary>
    /// Keeps the features of the samples still within reach of the gallery: past warm-up, noise at least the
    /// threshold, and among the <c>@Max</c> noisiest (ties by id, as in <c>suspected_mislabels</c>). It judges the
    /// rows as they stand after the batch, so a sample whose new exposure scored lower loses its features too.
    /// </summary>
    private const string PruneSql = """
        DELETE FROM sample_features
        WHERE sample_id NOT IN (
            SELECT s.sample_id
            FROM sample_features f JOIN sample_scores s ON s.sample_id = f.sample_id
            WHERE s.noise >= @Keep AND NOT s.warming
            ORDER BY s.noise DESC, s.sample_id
            LIMIT @Max)
        """;

    /// <summary>
    /// Counts a dead letter unless its offset is not past the last one counted for its role, reason and partition of
    /// the dead-letter topic: a redelivered batch (the SQL committed, the offsets not) counts nothing twice, since a
    /// partition's records are read in offset order.
    /// </summary>
    private const string CountDeadLetterSql = """
        INSERT INTO dead_letters (role, reason, dead_letter_partition, records, last_offset)
        VALUES (@Role, @Reason, @Partition, 1, @Offset)
        ON CONFLICT (role, reason, dead_letter_partition) DO UPDATE SET
            records = dead_letters.records + 1,
            last_offset = excluded.last_offset
        WHERE excluded.last_offset > dead_letters.last_offset
        """;

    /// <summary>Features of the rows that may enter the gallery, the last exposure of an id winning.</summary>
    public static IReadOnlyList<KeptFeatures> FeaturesToKeep(IReadOnlyList<ScoredSample> rows, ReportOptions options)
    {
        if (options.MaxFeatureRows == 0)
        {
            return [];
        }

        var kept = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var sample = row.Canonical.Sample;
            if (!row.Warming && row.Scores.Noise >= options.KeepFeaturesAboveNoise && sample.Features.Count > 0)
            {
                kept[sample.Id] = FeatureBytes.Encode(sample.Features);
            }
        }

        return [.. kept.Select(k => new KeptFeatures(k.Key, k.Value))];
    }

    /// <summary>Counts dead letters once each, inside the caller's transaction.</summary>
    public static async Task CountDeadLettersAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<DeadLetteredRecord> deadLetters,
        int commandTimeoutSeconds, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            CountDeadLetterSql, deadLetters, transaction, commandTimeoutSeconds, cancellationToken: cancellationToken));
    }

    /// <summary>Prunes the kept features, inside the batch's transaction.</summary>
    public static async Task PruneFeaturesAsync(
        DbConnection connection, DbTransaction transaction, ReportOptions options, int commandTimeoutSeconds, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            PruneSql, new { Keep = options.KeepFeaturesAboveNoise, Max = options.MaxFeatureRows }, transaction, commandTimeoutSeconds,
            cancellationToken: cancellationToken));
    }
}

/// <summary>One row of <c>sample_features</c>.</summary>
internal readonly record struct KeptFeatures(string SampleId, byte[] Features);
