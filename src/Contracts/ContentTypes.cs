namespace EasyHard.Contracts;

/// <summary>Values of the <c>content-type</c> header that select a sample codec.</summary>
public static class ContentTypes
{
    public const string HeaderName = "content-type";
    public const string Json = "application/json";
    public const string Protobuf = "application/x-protobuf";
}
