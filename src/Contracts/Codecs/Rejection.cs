namespace EasyHard.Contracts.Codecs;

/// <summary>
/// Why a record was not accepted: a low-cardinality <paramref name="Reason"/> code from <see cref="RejectReasons"/>
/// (used as a metric label and the <c>easyhard-error-reason</c> header) and a human-readable
/// <paramref name="Message"/> that names the field and the offending value (the <c>easyhard-error</c> header).
/// </summary>
public sealed record Rejection(string Reason, string Message)
{
    public override string ToString() => $"{Reason}: {Message}";
}
