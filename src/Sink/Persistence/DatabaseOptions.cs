using System.ComponentModel.DataAnnotations;

namespace EasyHard.Sink.Persistence;

/// <summary>The SQL database of the Sink (section <c>Sink:Database</c>).</summary>
public sealed class DatabaseOptions
{
    /// <summary><c>sqlite</c> (default, a local file) or <c>postgres</c>.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Provider { get; set; } = DatabaseProviders.Sqlite;

    /// <summary>
    /// ADO.NET connection string of the provider. The SQLite default is a file under <c>data/</c>; its directory
    /// is created when missing.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    public string ConnectionString { get; set; } = "Data Source=data/easyhard.db";

    /// <summary>Seconds one SQL command may run before it fails (and the batch is retried).</summary>
    [Range(1, 3600)]
    public int CommandTimeoutSeconds { get; set; } = 30;

    public bool IsPostgres => string.Equals(Provider, DatabaseProviders.Postgres, StringComparison.OrdinalIgnoreCase);
}
