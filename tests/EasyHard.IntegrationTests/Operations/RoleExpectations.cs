using EasyHard.Core.Configuration;
using EasyHard.Host.Composition;
using EasyHard.Ingest;
using EasyHard.Scorer;
using EasyHard.Sink;

namespace EasyHard.IntegrationTests.Operations;

/// <summary>
/// What each role listens on and consumes, taken from the code's defaults. The input topic of each role is the
/// one <see cref="RoleRegistrationExtensions"/> subscribes it to (the live Prometheus test confirms it from the
/// lag metric's <c>topic</c> label).
/// </summary>
public static class RoleExpectations
{
    public static readonly string[] Roles = ["ingest", "scorer", "sink"];

    public static TopicOptions Topics { get; } = new();

    public static HttpOptions Http { get; } = new();

    public static string HttpPort => Http.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public const string LivePath = "/health/live";

    public const string ReadyPath = "/health/ready";

    public const string MetricsPath = "/metrics";

    /// <summary>The image every role runs (<c>easyhard</c>) and its CUDA build (<c>easyhard-cuda</c>).</summary>
    public static readonly string[] ImageNames = ["easyhard", "easyhard-cuda"];

    public static string GroupId(string role) => role switch
    {
        "ingest" => new IngestOptions().GroupId,
        "scorer" => new ScorerOptions().GroupId,
        "sink" => new SinkOptions().GroupId,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static string GroupIdKey(string role) => role switch
    {
        "ingest" => $"{IngestOptions.SectionName}__{nameof(IngestOptions.GroupId)}",
        "scorer" => $"{ScorerOptions.SectionName}__{nameof(ScorerOptions.GroupId)}",
        "sink" => $"{SinkOptions.SectionName}__{nameof(SinkOptions.GroupId)}",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static string InputTopic(string role) => role switch
    {
        "ingest" => Topics.Input,
        "scorer" => Topics.Samples,
        "sink" => Topics.Scored,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    public static string InputTopicKey(string role) => role switch
    {
        "ingest" => $"{TopicOptions.SectionName}__{nameof(TopicOptions.Input)}",
        "scorer" => $"{TopicOptions.SectionName}__{nameof(TopicOptions.Samples)}",
        "sink" => $"{TopicOptions.SectionName}__{nameof(TopicOptions.Scored)}",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>Image reference without tag or registry path: <c>registry/x/easyhard-cuda:1.2</c> → <c>easyhard-cuda</c>.</summary>
    public static string ImageName(string image)
    {
        var name = image.Split('@')[0];
        var slash = name.LastIndexOf('/');
        name = slash >= 0 ? name[(slash + 1)..] : name;
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon >= 0 ? name[..colon] : name;
    }
}
