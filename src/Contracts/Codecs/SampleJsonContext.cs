using System.Text.Json.Serialization;

namespace EasyHard.Contracts.Codecs;

/// <summary>Source-generated System.Text.Json metadata for the sample's JSON form.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, MaxDepth = SampleJsonCodec.MaxDepth)]
[JsonSerializable(typeof(SampleJson))]
public sealed partial class SampleJsonContext : JsonSerializerContext;
