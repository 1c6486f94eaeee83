using EasyHard.Sink.Persistence;

namespace EasyHard.Sink.Reporting;

/// <summary>The report page from the Sink's database: <c>easyhard report</c>, the demo and the Sink's <c>/report</c>.</summary>
public static class SampleReport
{
    /// <summary>Gallery size when none is asked for.</summary>
    public const int DefaultTop = 100;

    /// <exception cref="ReportDatabaseException">The database cannot be opened or has no EasyHard tables and views.</exception>
    public static async Task<string> RenderAsync(
        DatabaseOptions database, ReportSchema schema, int top, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var model = await ReportModelReader.ReadAsync(database, top, cancellationToken);
        using var html = new StringWriter();
        ReportHtmlWriter.Write(html, model, schema, $"{database.Provider}: {DatabaseTarget.Where(database)}", timeProvider.GetUtcNow());
        return html.ToString();
    }

    /// <summary>Writes <c>index.html</c> into <paramref name="directory"/> (created when missing) and returns its path.</summary>
    public static async Task<string> WriteAsync(
        DatabaseOptions database, ReportSchema schema, int top, string directory, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var html = await RenderAsync(database, schema, top, timeProvider, cancellationToken);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(Path.GetFullPath(directory), "index.html");
        await File.WriteAllTextAsync(path, html, cancellationToken);
        return path;
    }
}
