using System.Data.Common;

namespace EasyHard.Sink.Persistence;

/// <summary>
/// Where <c>Sink:Database:ConnectionString</c> points, for log lines and readiness: host, port, database or file,
/// never credentials, so an operator sees which setting to check without the message leaking a password.
/// </summary>
public static class DatabaseTarget
{
    private static readonly string[] Shown = ["Host", "Server", "Port", "Database", "Data Source", "DataSource", "Filename"];

    public static string Describe(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var where = Where(options);
        return where.Length == 0
            ? $"Sink:Database:ConnectionString ({options.Provider})"
            : $"Sink:Database:ConnectionString ({options.Provider}: {where})";
    }

    /// <summary>Host, port, database or file of the connection string ("" when it cannot be read); never credentials.</summary>
    public static string Where(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = options.ConnectionString };
            return string.Join("; ", Shown.Where(builder.ContainsKey).Select(k => $"{k}={builder[k]}"));
        }
        catch (ArgumentException)
        {
            return "";
        }
    }
}
