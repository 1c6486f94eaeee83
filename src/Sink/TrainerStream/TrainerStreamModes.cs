namespace EasyHard.Sink.TrainerStream;

/// <summary>Accepted values of <c>Sink:TrainerStream:Mode</c>.</summary>
public static class TrainerStreamModes
{
    /// <summary>Value = the producer's original bytes; scores travel in <c>easyhard-*</c> headers.</summary>
    public const string Headers = "headers";

    /// <summary>Value = JSON <c>{"sample":…, "weight":…, "scores":{…}}</c>; the same headers are set too.</summary>
    public const string Envelope = "envelope";

    public static IReadOnlyList<string> All { get; } = [Headers, Envelope];

    public static bool IsKnown(string? mode) => All.Contains(mode, StringComparer.OrdinalIgnoreCase);
}
