using Dapper;
using EasyHard.Contracts.V1;
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
        await MigrationRunner.ApplyAsync(connection, transaction, DatabaseProviders.Postgres,
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    integer     NOT NULL PRIMARY KEY,
                name       text        NOT NULL,
                applied_at timestamptz NOT NULL
            )
            """,
            _timeProvider.GetUtcNow().UtcDateTime, _commandTimeoutSeconds, cancellationToken);
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
            await connection.ExecuteAsync(Command(SampleScoreSchema.PostgresUpsert, ToArrays(round), transaction, cancellationToken));
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
            $"SELECT {SampleScoreSchema.ReadColumns} FROM sample_scores WHERE sample_id = @SampleId",
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

    /// <summary>One array parameter per written column, each holding that column of every row of the round.</summary>
    private DynamicParameters ToArrays(List<ScoredSample> rows)
    {
        var flattened = rows.ConvertAll(row => SampleColumns.From(row, _timeProvider)).ToArray();
        var parameters = new DynamicParameters();
        foreach (var column in SampleScoreSchema.Written)
        {
            parameters.Add(column.Name, column.Column(flattened));
        }

        return parameters;
    }
}
