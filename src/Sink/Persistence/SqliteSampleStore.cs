using System.Globalization;
using Dapper;
using EasyHard.Contracts.V1;
using EasyHard.Sink.Reporting;
using Microsoft.Data.Sqlite;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// <c>sample_scores</c> in a local SQLite file: the embedded default. WAL journal so readers (operators' queries,
/// the health check) never block the writer, and a busy timeout so a second writer waits instead of failing.
/// A batch is one IMMEDIATE transaction executing one prepared statement per row (<see cref="SampleScoreSchema.SqliteUpsert"/>).
/// </summary>
public sealed class SqliteSampleStore : ISampleStore
{
    private const string KeepFeaturesSql = """
        INSERT INTO sample_features (sample_id, features) VALUES (@SampleId, @Features)
        ON CONFLICT (sample_id) DO UPDATE SET features = excluded.features
        """;

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
        await MigrationRunner.ApplyAsync(connection, transaction, DatabaseProviders.Sqlite,
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER NOT NULL PRIMARY KEY,
                name       TEXT    NOT NULL,
                applied_at TEXT    NOT NULL
            );
            """,
            SampleScoreRowReader.ToSqliteText(_timeProvider.GetUtcNow().UtcDateTime), _commandTimeoutSeconds, cancellationToken);
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
        command.CommandText = SampleScoreSchema.SqliteUpsert;
        command.CommandTimeout = _commandTimeoutSeconds;
        var columns = SampleScoreSchema.Written;
        var parameters = new SqliteParameter[columns.Count];
        for (var i = 0; i < parameters.Length; i++)
        {
            parameters[i] = command.Parameters.Add(new SqliteParameter { ParameterName = "$" + columns[i].Name });
        }

        command.Prepare();
        // Rows run in batch order, so several exposures of one id in a batch count exactly as if they came one by one.
        foreach (var scored in rows)
        {
            var c = SampleColumns.From(scored, _timeProvider);
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = SampleScoreSchema.SqliteValue(columns[i].Value(c));
            }

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
            $"SELECT {SampleScoreSchema.ReadColumns} FROM sample_scores WHERE sample_id = @SampleId",
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
