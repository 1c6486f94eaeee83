using System.Data.Common;
using Dapper;
using EasyHard.Core.Contracts.V1;
using EasyHard.Sink.Reporting;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// The report's tables beside <c>sample_scores</c> (migration 0004), written in the batch's transaction:
/// <c>sample_features</c>, the features of the samples the gallery may show (bounded by <see cref="ReportOptions"/>),
/// and <c>sink_dead_letters</c>, the Sink's dead letters counted once each. The SQL here means the same on SQLite
/// and PostgreSQL.
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
    /// Counts a dead letter unless its offset is not past the last one counted for its partition and reason: a
    /// redelivered batch (the SQL committed, the offsets not) counts nothing twice, since records run in offset order.
    /// </summary>
    private const string CountDeadLetterSql = """
        INSERT INTO sink_dead_letters (topic, source_partition, reason, records, last_offset)
        VALUES (@Topic, @Partition, @Reason, 1, @Offset)
        ON CONFLICT (topic, source_partition, reason) DO UPDATE SET
            records = sink_dead_letters.records + 1,
            last_offset = excluded.last_offset
        WHERE excluded.last_offset > sink_dead_letters.last_offset
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

    /// <summary>Counts the dead letters and prunes the kept features, inside the batch's transaction.</summary>
    public static async Task WriteAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<DeadLetteredRecord> deadLetters, ReportOptions options,
        int commandTimeoutSeconds, CancellationToken cancellationToken)
    {
        if (deadLetters.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                CountDeadLetterSql, deadLetters, transaction, commandTimeoutSeconds, cancellationToken: cancellationToken));
        }

        await connection.ExecuteAsync(new CommandDefinition(
            PruneSql, new { Keep = options.KeepFeaturesAboveNoise, Max = options.MaxFeatureRows }, transaction, commandTimeoutSeconds,
            cancellationToken: cancellationToken));
    }
}

/// <summary>One row of <c>sample_features</c>.</summary>
internal readonly record struct KeptFeatures(string SampleId, byte[] Features);
