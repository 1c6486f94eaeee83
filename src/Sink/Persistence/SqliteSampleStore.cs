using System.Globalization;
using Dapper;
using EasyHard.Core.Contracts.V1;
using EasyHard.Sink.Reporting;
using Microsoft.Data.Sqlite;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// <c>sample_scores</c> in a local SQLite file: the embedded default. WAL journal so readers (operators' queries,
/// the health check) never block the writer, and a busy timeout so a second writer waits instead of failing.
/// A batch is one IMMEDIATE transaction executing one prepared statement per row.
/// </summary>
public sealed class SqliteSampleStore : ISampleStore
{
    private const string UpsertSql = """
        INSERT INTO sample_scores (
            sample_id, label, predicted_label, loss, self_confidence, margin, el2n, grad_norm, influence,
            difficulty, noise, disagreement, weight, bucket, model_version, warming, quarantined, source,
            human_difficulty, source_topic, source_partition, source_offset, exposures, first_scored_at, last_scored_at,
            suggested_label, suggested_label_p)
        VALUES (
            $sample_id, $label, $predicted_label, $loss, $self_confidence, $margin, $el2n, $grad_norm, $influence,
            $difficulty, $noise, $disagreement, $weight, $bucket, $model_version, $warming, $quarantined, $source,
            $human_difficulty, $source_topic, $source_partition, $source_offset, 1, $scored_at, $scored_at,
            $suggested_label, $suggested_label_p)
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
            exposures = sample_scores.exposures + 1,
            last_scored_at = excluded.last_scored_at,
            suggested_label = excluded.suggested_label,
            suggested_label_p = excluded.suggested_label_p
        WHERE sample_scores.source_topic IS NOT excluded.source_topic
           OR sample_scores.source_partition IS NOT excluded.source_partition
           OR excluded.source_offset > sample_scores.source_offset
        """;

    private const string KeepFeaturesSql = """
        INSERT INTO sample_features (sample_id, features) VALUES (@SampleId, @Features)
        ON CONFLICT (sample_id) DO UPDATE SET features = excluded.features
        """;

    private static readonly string[] UpsertParameters =
    [
        "$sample_id", "$label", "$predicted_label", "$loss", "$self_confidence", "$margin", "$el2n", "$grad_norm",
        "$influence", "$difficulty", "$noise", "$disagreement", "$weight", "$bucket", "$model_version", "$warming",
        "$quarantined", "$source", "$human_difficulty", "$source_topic", "$source_partition", "$source_offset",
        "$scored_at", "$suggested_label", "$suggested_label_p",
    ];

    private readonly string _connectionString;
    private readonly int _commandTimeoutSeconds;
    private readonly TimeProvider _timeProvider;
    private readonly ReportOptions _report;

    /// <param name="options">The database.</param>
    /// <param name="timeProvider">Stamps rows without a scoring time and migrations.</param>
    /// <param name="report">What is kept for the report; the defaults when null.</param>
    public SqliteSampleStore(DatabaseOptions options, TimeProvider timeProvider, ReportOptions? report = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _report = report ?? new ReportOptions();
        _commandTimeoutSeconds = options.CommandTimeoutSeconds;
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            Pooling = true,
            DefaultTimeout = options.CommandTimeoutSeconds,
        };
        EnsureDirectory(builder);
        _connectionString = builder.ToString();
    }

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        // WAL is a property of the file, set once; it cannot change inside a transaction.
        await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL;", commandTimeout: _commandTimeoutSeconds, cancellationToken: cancellationToken));
        // IMMEDIATE takes the write lock up front, so two processes starting at once apply each script once.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at TEXT    NOT NULL
            );
            """,
            transaction: transaction,
            commandTimeout: _commandTimeoutSeconds,
            cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT version FROM schema_migrations", transaction: transaction, commandTimeout: _commandTimeoutSeconds, cancellationToken: cancellationToken)))
            .ToHashSet();
        foreach (var migration in MigrationCatalog.Load(DatabaseProviders.Sqlite))
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, commandTimeout: _commandTimeoutSeconds, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = SampleScoreRowReader.ToSqliteText(_timeProvider.GetUtcNow().UtcDateTime) },
                transaction,
                _commandTimeoutSeconds,
                cancellationToken: cancellationToken));
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

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = UpsertSql;
        command.CommandTimeout = _commandTimeoutSeconds;
        var parameters = new SqliteParameter[UpsertParameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = command.Parameters.Add(new SqliteParameter { ParameterName = UpsertParameters[i] });
        }

        command.Prepare();
        // Rows run in batch order, so several exposures of one id in a batch count exactly as if they came one by one.
        foreach (var scored in rows)
        {
            var c = SampleColumns.From(scored, _timeProvider);
            parameters[0].Value = c.SampleId;
            parameters[1].Value = c.Label;
            parameters[2].Value = c.PredictedLabel;
            parameters[3].Value = c.Loss;
            parameters[4].Value = c.SelfConfidence;
            parameters[5].Value = c.Margin;
            parameters[6].Value = c.El2n;
            parameters[7].Value = c.GradNorm;
            parameters[8].Value = c.Influence;
            parameters[9].Value = c.Difficulty;
            parameters[10].Value = c.Noise;
            parameters[11].Value = c.Disagreement;
            parameters[12].Value = c.Weight;
            parameters[13].Value = c.Bucket;
            parameters[14].Value = c.ModelVersion;
            parameters[15].Value = c.Warming ? 1 : 0;
            parameters[16].Value = c.Quarantined ? 1 : 0;
            parameters[17].Value = c.Source;
            parameters[18].Value = c.HumanDifficulty is { } human ? human : DBNull.Value;
            parameters[19].Value = c.SourceTopic;
            parameters[20].Value = c.SourcePartition;
            parameters[21].Value = c.SourceOffset;
            parameters[22].Value = SampleScoreRowReader.ToSqliteText(c.ScoredAtUtc);
            parameters[23].Value = c.SuggestedLabel is { } suggested ? suggested : DBNull.Value;
            parameters[24].Value = c.SuggestedLabelP is { } suggestedP ? suggestedP : DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            KeepFeaturesSql, ReportTables.FeaturesToKeep(rows, _report), transaction, _commandTimeoutSeconds, cancellationToken: cancellationToken));
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

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ReportTables.CountDeadLettersAsync(connection, transaction, deadLetters, _commandTimeoutSeconds, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM sample_scores", commandTimeout: _commandTimeoutSeconds, cancellationToken: cancellationToken));
    }

    public async Task<SampleScoreRow?> FindAsync(string sampleId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"SELECT {SampleScoreRowReader.Columns} FROM sample_scores WHERE sample_id = @SampleId",
            new { SampleId = sampleId },
            commandTimeout: _commandTimeoutSeconds,
            cancellationToken: cancellationToken));
        return await reader.ReadAsync(cancellationToken) ? SampleScoreRowReader.Read(reader) : null;
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", commandTimeout: _commandTimeoutSeconds, cancellationToken: cancellationToken));
    }

    public ValueTask DisposeAsync()
    {
        // Pooled connections of this file are released so the file can be deleted or moved after shutdown.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Per connection, not per file: wait for a concurrent writer instead of failing with SQLITE_BUSY.
            // PRAGMA takes no bound parameters; the value is an integer from validated options.
            var busyTimeoutMs = (_commandTimeoutSeconds * 1000).ToString(CultureInfo.InvariantCulture);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = " + busyTimeoutMs + ";";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static void EnsureDirectory(SqliteConnectionStringBuilder builder)
    {
        var dataSource = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory
            || string.IsNullOrEmpty(dataSource)
            || dataSource == ":memory:"
            || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
