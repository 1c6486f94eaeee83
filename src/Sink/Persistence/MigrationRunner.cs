using System.Data.Common;
using Dapper;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// Applies the embedded migrations (<see cref="MigrationCatalog"/>) not yet recorded in <c>schema_migrations</c>, in
/// version order, inside the caller's transaction. The providers differ only in what they do around it (SQLite's WAL
/// and write lock, PostgreSQL's advisory lock) and in the hooks passed here.
/// </summary>
internal static class MigrationRunner
{
    /// <param name="createTable">The provider's DDL of <c>schema_migrations</c> (version, name, applied_at).</param>
    /// <param name="appliedAt">The application time as the provider stores it.</param>
    public static async Task ApplyAsync(DbConnection connection, DbTransaction transaction, string provider, string createTable, object appliedAt,
        int commandTimeoutSeconds, CancellationToken cancellationToken)
    {
        CommandDefinition Command(string sql, object? parameters = null) =>
            new(sql, parameters, transaction, commandTimeoutSeconds, cancellationToken: cancellationToken);

        await connection.ExecuteAsync(Command(createTable));
        var applied = (await connection.QueryAsync<long>(Command("SELECT version FROM schema_migrations"))).ToHashSet();
        foreach (var migration in MigrationCatalog.Load(provider))
        {
            if (applied.Contains(migration.Version))
            {
                continue;
            }

            await connection.ExecuteAsync(Command(migration.Sql));
            await connection.ExecuteAsync(Command(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = appliedAt }));
        }
    }
}
