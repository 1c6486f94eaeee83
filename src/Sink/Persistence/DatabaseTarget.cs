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
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = options.ConnectionString };
            var parts = Shown.Where(builder.ContainsKey).Select(k => $"{k}={builder[k]}");
            return $"Sink:Database:ConnectionString ({options.Provider}: {string.Join("; ", parts)})";
        }
        catch (ArgumentException)
        {
            return $"Sink:Database:ConnectionString ({options.Provider})";
        }
    }
}
