namespace EasyHard.Sink.Reporting;

/// <summary>The report's database cannot be read; the message is one line for a person and names the database.</summary>
public sealed class ReportDatabaseException : Exception
{
    public ReportDatabaseException()
    {
    }

    public ReportDatabaseException(string message)
        : base(message)
    {
    }

    public ReportDatabaseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
