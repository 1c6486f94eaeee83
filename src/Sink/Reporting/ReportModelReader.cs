using System.Data.Common;
using System.Globalization;
using Dapper;
using EasyHard.Sink.Persistence;

namespace EasyHard.Sink.Reporting;

/// <summary>
/// Builds a <see cref="ReportModel"/> from the Sink's database with the same SQL on SQLite and PostgreSQL, through
/// the analysts' views where one answers the question. Read-only: it never migrates or writes.
/// </summary>
public static class ReportModelReader
{
    /// <summary>Bins of each histogram.</summary>
    public const int Bins = 20;

    /// <summary>Most points on the model-version chart; consecutive versions are merged to stay under it.</summary>
    public const int MaxVersionPoints = 40;

    private const string Overview = """
        SELECT COUNT(*),
               SUM(CASE WHEN warming THEN 1 ELSE 0 END),
               MIN(first_scored_at),
               MAX(last_scored_at),
               AVG(CASE WHEN warming THEN NULL ELSE noise END),
               SUM(CASE WHEN quarantined THEN 1 ELSE 0 END),
               MAX(model_version)
        FROM sample_scores
        """;

    private const string Buckets = """
        SELECT label,
               SUM(CASE WHEN bucket = 'easy' THEN 1 ELSE 0 END),
               SUM(CASE WHEN bucket = 'medium' THEN 1 ELSE 0 END),
               SUM(CASE WHEN bucket = 'hard' THEN 1 ELSE 0 END)
        FROM sample_scores
        WHERE NOT warming
        GROUP BY label
        """;

    private const string Ranges = """
        SELECT MIN(weight), MAX(weight), MIN(influence), MAX(influence) FROM sample_scores WHERE NOT warming
        """;

    private const string Versions = """
        SELECT model_version, COUNT(*), SUM(CASE WHEN predicted_label = label THEN 1 ELSE 0 END), SUM(noise)
        FROM sample_scores
        WHERE NOT warming
        GROUP BY model_version
        ORDER BY model_version
        """;

    private const string Sources = """
        SELECT source, COUNT(*), AVG(noise)
        FROM sample_scores
        WHERE NOT warming
        GROUP BY source
        ORDER BY COUNT(*) DESC, source
        LIMIT 20
        """;

    private const string Suspects = """
        SELECT sample_id, label, suggested_label, suggested_label_p, noise, difficulty, weight, source
        FROM suspected_mislabels
        ORDER BY noise_rank
        LIMIT @Top
        """;

    private const string SuspectFeatures = """
        SELECT sample_id, features
        FROM sample_features
        WHERE sample_id IN (SELECT sample_id FROM suspected_mislabels ORDER BY noise_rank LIMIT @Top)
        """;

    private const string DeadLetters = """
        SELECT role, reason, SUM(records) FROM dead_letters GROUP BY role, reason ORDER BY role, reason
        """;

    /// <exception cref="ReportDatabaseException">The database cannot be opened or has no EasyHard tables and views.</exception>
    public static async Task<ReportModel> ReadAsync(DatabaseOptions database, int top, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        await using var connection = DatabaseConnections.Create(database, readOnly: true);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM noise_transitions", cancellationToken: cancellationToken));
            await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM dead_letters", cancellationToken: cancellationToken));
        }
        catch (DbException e)
        {
            throw new ReportDatabaseException(
                $"cannot read sample_scores and its views in the {database.Provider} database {DatabaseTarget.Where(database)}: "
                + $"{e.Message.Split('\n')[0].Trim().TrimEnd('.')}. The Sink creates them when it starts on that database.", e);
        }

        var classes = await ReadClassesAsync(connection, cancellationToken);
        var transitions = await ReadAsync(connection, "SELECT label, suggested_label, samples FROM noise_transitions ORDER BY label, suggested_label", null,
            r => new TransitionCell(Int(r, 0), Int(r, 1), Long(r, 2)), cancellationToken);
        return new ReportModel(
            (await ReadAsync(connection, Overview, null, ReadOverview, cancellationToken))[0],
            classes,
            transitions,
            await ReadHistogramsAsync(connection, cancellationToken),
            Merge(await ReadAsync(connection, Versions, null, r => (Version: Long(r, 0), Samples: Long(r, 1), Agreed: Long(r, 2), Noise: r.GetDouble(3)), cancellationToken)),
            await ReadAsync(connection, Sources, null, r => new SourceSummary(r.GetString(0), Long(r, 1), r.GetDouble(2)), cancellationToken),
            await ReadSuspectsAsync(connection, top, cancellationToken),
            await ReadAsync(connection, DeadLetters, null, r => new DeadLetterCount(r.GetString(0), r.GetString(1), Long(r, 2)), cancellationToken));
    }

    private static async Task<IReadOnlyList<SuspectRow>> ReadSuspectsAsync(DbConnection connection, int top, CancellationToken cancellationToken)
    {
        var features = (await ReadAsync(connection, SuspectFeatures, new { Top = top }, r => (Id: r.GetString(0), Features: (byte[])r.GetValue(1)), cancellationToken))
            .ToDictionary(f => f.Id, f => FeatureBytes.Decode(f.Features), StringComparer.Ordinal);
        return await ReadAsync(connection, Suspects, new { Top = top }, r => new SuspectRow(
            r.GetString(0), Int(r, 1), r.IsDBNull(2) ? null : Int(r, 2), r.IsDBNull(3) ? null : r.GetDouble(3),
            r.GetDouble(4), r.GetDouble(5), r.GetDouble(6), r.GetString(7), features.GetValueOrDefault(r.GetString(0))), cancellationToken);
    }

    private static ReportOverview ReadOverview(DbDataReader r) => new(
        Long(r, 0),
        r.IsDBNull(1) ? 0 : Long(r, 1),
        r.IsDBNull(2) ? null : SampleScoreRowReader.ToUtc(r.GetValue(2)),
        r.IsDBNull(3) ? null : SampleScoreRowReader.ToUtc(r.GetValue(3)),
        r.IsDBNull(4) ? double.NaN : r.GetDouble(4),
        r.IsDBNull(5) ? 0 : Long(r, 5),
        r.IsDBNull(6) ? null : Long(r, 6));

    private static async Task<IReadOnlyList<ClassSummary>> ReadClassesAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var buckets = (await ReadAsync(connection, Buckets, null, r => (Label: Int(r, 0), Easy: Long(r, 1), Medium: Long(r, 2), Hard: Long(r, 3)), cancellationToken))
            .ToDictionary(b => b.Label);
        return await ReadAsync(connection, "SELECT label, samples, mean_noise, share_noisy, likely_true_label FROM class_noise ORDER BY label", null, r =>
        {
            var label = Int(r, 0);
            var b = buckets.GetValueOrDefault(label);
            return new ClassSummary(label, Long(r, 1), r.GetDouble(2), r.GetDouble(3), r.IsDBNull(4) ? null : Int(r, 4), b.Easy, b.Medium, b.Hard);
        }, cancellationToken);
    }

    /// <summary>Noise and difficulty lie in [0, 1]; weight and influence are binned over their observed range.</summary>
    private static async Task<IReadOnlyList<Histogram>> ReadHistogramsAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var range = (await ReadAsync(connection, Ranges, null, r => r.IsDBNull(0)
            ? (0.0, 1.0, 0.0, 1.0)
            : (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3)), cancellationToken))[0];
        (string Name, double Min, double Max)[] scores =
            [("noise", 0, 1), ("difficulty", 0, 1), ("weight", range.Item1, range.Item2), ("influence", range.Item3, range.Item4)];
        var counts = scores.Select(_ => new long[Bins]).ToArray();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            "SELECT noise, difficulty, weight, influence FROM sample_scores WHERE NOT warming", cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            for (var i = 0; i < scores.Length; i++)
            {
                counts[i][BinOf(reader.GetDouble(i), scores[i].Min, scores[i].Max)]++;
            }
        }

        return [.. scores.Select((s, i) => new Histogram(s.Name, s.Min, s.Max, counts[i]))];
    }

    internal static int BinOf(double value, double min, double max)
    {
        if (!(max > min))
        {
            return 0;
        }

        var bin = (int)Math.Floor((value - min) / (max - min) * Bins);
        return Math.Clamp(bin, 0, Bins - 1);
    }

    /// <summary>Consecutive model versions merged into at most <see cref="MaxVersionPoints"/> groups of about equal size.</summary>
    internal static IReadOnlyList<ModelVersionSummary> Merge(IReadOnlyList<(long Version, long Samples, long Agreed, double Noise)> versions)
    {
        var total = versions.Sum(v => v.Samples);
        var perGroup = Math.Max(1, (long)Math.Ceiling(total / (double)MaxVersionPoints));
        var merged = new List<ModelVersionSummary>();
        var start = 0;
        long samples = 0, agreed = 0;
        double noise = 0;
        for (var i = 0; i < versions.Count; i++)
        {
            samples += versions[i].Samples;
            agreed += versions[i].Agreed;
            noise += versions[i].Noise;
            if (samples >= perGroup || i == versions.Count - 1)
            {
                merged.Add(new ModelVersionSummary(versions[start].Version, versions[i].Version, samples, agreed / (double)samples, noise / samples));
                start = i + 1;
                samples = agreed = 0;
                noise = 0;
            }
        }

        return merged;
    }

    private static async Task<IReadOnlyList<T>> ReadAsync<T>(
        DbConnection connection, string sql, object? parameters, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    private static int Int(DbDataReader r, int ordinal) => Convert.ToInt32(r.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static long Long(DbDataReader r, int ordinal) => Convert.ToInt64(r.GetValue(ordinal), CultureInfo.InvariantCulture);
}
