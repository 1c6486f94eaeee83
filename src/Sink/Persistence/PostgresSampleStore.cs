using Dapper;
using EasyHard.Core.Contracts.V1;
using EasyHard.Sink.Reporting;
using Npgsql;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// <c>sample_scores</c> in PostgreSQL through one <see cref="NpgsqlDataSource"/>. A batch is written as one
/// <c>INSERT … SELECT FROM unnest(arrays) ON CONFLICT DO UPDATE</c> statement: one round trip and one plan for the
/// whole batch, whatever its size.
/// </summary>
public sealed class PostgresSampleStore : ISampleStore
{
    /// <summary>Advisory lock key serializing migrations across instances ("EasyHard" in ASCII).</summary>
    private const long MigrationLockKey = 0x45_61_73_79_48_61_72_64;

    // A row is rewritten only for a new exposure: another topic/partition, or a later offset of the same one.
    // A redelivery (same origin) or an older offset of the same partition (a replayed batch that also held later
    // exposures of the id) leaves the row alone, so at-least-once delivery never inflates exposures.
    private const string UpsertSql = """
        INSERT INTO sample_scores AS s (
            sample_id, label, predicted_label, loss, self_confidence, margin, el2n, grad_norm, influence,
            difficulty, noise, disagreement, weight, bucket, model_version, warming, quarantined, source,
            human_difficulty, source_topic, source_partition, source_offset, exposures, first_scored_at, last_scored_at,
            suggested_label, suggested_label_p)
        SELECT
            u.sample_id, u.label, u.predicted_label, u.loss, u.self_confidence, u.margin, u.el2n, u.grad_norm, u.influence,
            u.difficulty, u.noise, u.disagreement, u.weight, u.bucket, u.model_version, u.warming, u.quarantined, u.source,
            u.human_difficulty, u.source_topic, u.source_partition, u.source_offset, 1, u.scored_at, u.scored_at,
            u.suggested_label, u.suggested_label_p
        FROM unnest(
            @SampleId::text[], @Label::integer[], @PredictedLabel::integer[], @Loss::double precision[],
            @SelfConfidence::double precision[], @Margin::double precision[], @El2n::double precision[],
            @GradNorm::double precision[], @Influence::double precision[], @Difficulty::double precision[],
            @Noise::double precision[], @Disagreement::double precision[], @Weight::double precision[],
            @Bucket::text[], @ModelVersion::bigint[], @Warming::boolean[], @Quarantined::boolean[], @Source::text[],
            @HumanDifficulty::double precision[], @SourceTopic::text[], @SourcePartition::integer[],
            @SourceOffset::bigint[], @ScoredAt::timestamptz[], @SuggestedLabel::integer[],
            @SuggestedLabelP::double precision[])
            AS u(sample_id, label, predicted_label, loss, self_confidence, margin, el2n, grad_norm, influence,
                 difficulty, noise, disagreement, weight, bucket, model_version, warming, quarantined, source,
                 human_difficulty, source_topic, source_partition, source_offset, scored_at, suggested_label,
                 suggested_label_p)
        ON CONFLICT (sample_id) DO UPDATE SET
            label = excluded.label,
            predicted_label = excluded.predicted_label,
            loss = excluded.loss,
            self_confidence = excluded.self_confidence,
            margin = excluded.margin,
            el2n = excluded.el2n,
            grad_norm = excluded.grad_norm,
            influence = excluded.influence,
            difficulty = excluded.difficulty,
            noise = excluded.noise,
            disagreement = excluded.disagreement,
            weight = excluded.weight,
            bucket = excluded.bucket,
            model_version = excluded.model_version,
            warming = excluded.warming,
            quarantined = excluded.quarantined,
            source = excluded.source,
            human_difficulty = excluded.human_difficulty,
            source_topic = excluded.source_topic,
            source_partition = excluded.source_partition,
            source_offset = excluded.source_offset,
            exposures = s.exposures + 1,
            last_scored_at = excluded.last_scored_at,
            suggested_label = excluded.suggested_label,
            suggested_label_p = excluded.suggested_label_p
        WHERE (s.source_topic, s.source_partition) IS DISTINCT FROM (excluded.source_topic, excluded.source_partition)
           OR excluded.source_offset > s.source_offset
        """;

    private const string KeepFeaturesSql = """
        INSERT INTO sample_features (sample_id, features)
        SELECT * FROM unnest(@SampleId::text[], @Features::bytea[])
        ON CONFLICT (sample_id) DO UPDATE SET features = excluded.features
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly int _commandTimeoutSeconds;
    private readonly TimeProvider _timeProvider;
    private readonly ReportOptions _report;

    /// <param name="options">The database.</param>
    /// <param name="timeProvider">Stamps rows without a scoring time and migrations.</param>
    /// <param name="report">What is kept for the report; the defaults when null.</param>
    public PostgresSampleStore(DatabaseOptions options, TimeProvider timeProvider, ReportOptions? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _report = report ?? new ReportOptions();
        _commandTimeoutSeconds = options.CommandTimeoutSeconds;
        _dataSource = NpgsqlDataSource.Create(options.ConnectionString);
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Transaction-scoped advisory lock: instances starting together queue here, and the second one finds the
        // scripts already recorded. Released by commit or rollback, so a crash cannot leave it held.
        await connection.ExecuteAsync(Command("SELECT pg_advisory_xact_lock(@Key)", new { Key = MigrationLockKey }, transaction, cancellationToken));
        await connection.ExecuteAsync(Command(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     NOT NULL PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL
            )
            """,
            null,
            transaction,
            cancellationToken));
        var applied = (await connection.QueryAsync<int>(Command("SELECT version FROM schema_migrations", null, transaction, cancellationToken))).ToHashSet();
        foreach (var migration in MigrationCatalog.Load(DatabaseProviders.Postgres))
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            await connection.ExecuteAsync(Command(migration.Sql, null, transaction, cancellationToken));
            await connection.ExecuteAsync(Command(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = _timeProvider.GetUtcNow().UtcDateTime },
                transaction,
                cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task UpsertAsync(IReadOnlyList<ScoredSample> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        var rounds = SplitIntoRounds(rows);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var round in rounds)
        {
            await connection.ExecuteAsync(Command(UpsertSql, ToArrays(round), transaction, cancellationToken));
        }

        // One statement for the batch: FeaturesToKeep holds each id once, as ON CONFLICT needs.
        var kept = ReportTables.FeaturesToKeep(rows, _report);
        if (kept.Count > 0)
        {
            await connection.ExecuteAsync(Command(KeepFeaturesSql, new
            {
                SampleId = kept.Select(k => k.SampleId).ToArray(),
                Features = kept.Select(k => k.Features).ToArray(),
            }, transaction, cancellationToken));
        }

        await ReportTables.PruneFeaturesAsync(connection, transaction, _report, _commandTimeoutSeconds, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task CountDeadLettersAsync(IReadOnlyList<DeadLetteredRecord> deadLetters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deadLetters);
        if (deadLetters.Count == 0)
        {
            return;
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ReportTables.CountDeadLettersAsync(connection, transaction, deadLetters, _commandTimeoutSeconds, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(Command("SELECT COUNT(*) FROM sample_scores", null, null, cancellationToken));
    }

    public async Task<SampleScoreRow?> FindAsync(string sampleId, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(Command(
            $"SELECT {SampleScoreRowReader.Columns} FROM sample_scores WHERE sample_id = @SampleId",
            new { SampleId = sampleId },
            null,
            cancellationToken));
        return await reader.ReadAsync(cancellationToken) ? SampleScoreRowReader.Read(reader) : null;
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteScalarAsync<int>(Command("SELECT 1", null, null, cancellationToken));
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private CommandDefinition Command(string sql, object? parameters, NpgsqlTransaction? transaction, CancellationToken cancellationToken) =>
        new(sql, parameters, transaction, _commandTimeoutSeconds, cancellationToken: cancellationToken);

    /// <summary>
    /// ON CONFLICT cannot touch one row twice in a statement, so the k-th occurrence of each id goes into round k.
    /// Rounds run in order inside one transaction: the outcome equals applying the records one by one.
    /// </summary>
    private static List<List<ScoredSample>> SplitIntoRounds(IReadOnlyList<ScoredSample> rows)
    {
        var rounds = new List<List<ScoredSample>> { new(rows.Count) };
        Dictionary<string, int>? seen = null;
        var ids = new HashSet<string>(rows.Count, StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var id = row.Canonical?.Sample?.Id ?? string.Empty;
            if (ids.Add(id))
            {
                rounds[0].Add(row);
                continue;
            }

            seen ??= new Dictionary<string, int>(StringComparer.Ordinal);
            var round = seen.TryGetValue(id, out var previous) ? previous + 1 : 1;
            seen[id] = round;
            if (round == rounds.Count)
            {
                rounds.Add([]);
            }

            rounds[round].Add(row);
        }

        return rounds;
    }

    private DynamicParameters ToArrays(List<ScoredSample> rows)
    {
        var n = rows.Count;
        var sampleId = new string[n];
        var label = new int[n];
        var predictedLabel = new int[n];
        var loss = new double[n];
        var selfConfidence = new double[n];
        var margin = new double[n];
        var el2n = new double[n];
        var gradNorm = new double[n];
        var influence = new double[n];
        var difficulty = new double[n];
        var noise = new double[n];
        var disagreement = new double[n];
        var weight = new double[n];
        var bucket = new string[n];
        var modelVersion = new long[n];
        var warming = new bool[n];
        var quarantined = new bool[n];
        var source = new string[n];
        var humanDifficulty = new double?[n];
        var sourceTopic = new string[n];
        var sourcePartition = new int[n];
        var sourceOffset = new long[n];
        var scoredAt = new DateTime[n];
        var suggestedLabel = new int?[n];
        var suggestedLabelP = new double?[n];
        for (var i = 0; i < n; i++)
        {
            var c = SampleColumns.From(rows[i], _timeProvider);
            sampleId[i] = c.SampleId;
            label[i] = c.Label;
            predictedLabel[i] = c.PredictedLabel;
            loss[i] = c.Loss;
            selfConfidence[i] = c.SelfConfidence;
            margin[i] = c.Margin;
            el2n[i] = c.El2n;
            gradNorm[i] = c.GradNorm;
            influence[i] = c.Influence;
            difficulty[i] = c.Difficulty;
            noise[i] = c.Noise;
            disagreement[i] = c.Disagreement;
            weight[i] = c.Weight;
            bucket[i] = c.Bucket;
            modelVersion[i] = c.ModelVersion;
            warming[i] = c.Warming;
            quarantined[i] = c.Quarantined;
            source[i] = c.Source;
            humanDifficulty[i] = c.HumanDifficulty;
            sourceTopic[i] = c.SourceTopic;
            sourcePartition[i] = c.SourcePartition;
            sourceOffset[i] = c.SourceOffset;
            scoredAt[i] = c.ScoredAtUtc;
            suggestedLabel[i] = c.SuggestedLabel;
            suggestedLabelP[i] = c.SuggestedLabelP;
        }

        var parameters = new DynamicParameters();
        parameters.Add("SampleId", sampleId);
        parameters.Add("Label", label);
        parameters.Add("PredictedLabel", predictedLabel);
        parameters.Add("Loss", loss);
        parameters.Add("SelfConfidence", selfConfidence);
        parameters.Add("Margin", margin);
        parameters.Add("El2n", el2n);
        parameters.Add("GradNorm", gradNorm);
        parameters.Add("Influence", influence);
        parameters.Add("Difficulty", difficulty);
        parameters.Add("Noise", noise);
        parameters.Add("Disagreement", disagreement);
        parameters.Add("Weight", weight);
        parameters.Add("Bucket", bucket);
        parameters.Add("ModelVersion", modelVersion);
        parameters.Add("Warming", warming);
        parameters.Add("Quarantined", quarantined);
        parameters.Add("Source", source);
        parameters.Add("HumanDifficulty", humanDifficulty);
        parameters.Add("SourceTopic", sourceTopic);
        parameters.Add("SourcePartition", sourcePartition);
        parameters.Add("SourceOffset", sourceOffset);
        parameters.Add("ScoredAt", scoredAt);
        parameters.Add("SuggestedLabel", suggestedLabel);
        parameters.Add("SuggestedLabelP", suggestedLabelP);
        return parameters;
    }
}
