using System.Text.Json.Serialization;

namespace EasyHard.Contracts.Codecs;

/// <summary>
/// The JSON form of <see cref="Contracts.V1.TrainingSample"/> as a plain object, serialized through the
/// source-generated <see cref="SampleJsonContext"/> (no reflection, trimming-safe). Exactly one of
/// <see cref="Features"/> and <see cref="FeaturesB64"/> is set; absent fields are omitted.
/// </summary>
public sealed class SampleJson
{
    [JsonPropertyName("id")] public string? Id { get; set; }

    [JsonPropertyName("features")] public float[]? Features { get; set; }

    /// <summary>The features as little-endian float32 values, base64-encoded (a quarter of the size of decimal text).</summary>
    [JsonPropertyName("features_b64")] public string? FeaturesB64 { get; set; }

    [JsonPropertyName("label")] public int? Label { get; set; }

    [JsonPropertyName("source")] public string? Source { get; set; }

    [JsonPropertyName("human_difficulty")] public double? HumanDifficulty { get; set; }

    [JsonPropertyName("attributes")] public Dictionary<string, string>? Attributes { get; set; }
}
