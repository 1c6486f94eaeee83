using System.Globalization;
using System.Text;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;

namespace EasyHard.Evaluation.Datasets;

/// <summary>
/// Turns generated samples into what a producer would write: JSON (features as an array, or as
/// <c>features_b64</c>) or protobuf, with the matching content-type. The given (possibly noisy) label is what
/// is sent. With <see cref="IncludeTruth"/> the truth travels as attributes <c>true_label</c> and
/// <c>is_noisy</c>, which the scorer never reads, so that stored rows can be evaluated against it.
/// </summary>
public sealed class SampleEncoder
{
    public SampleEncoder(SampleFormat format, string source = "generator", bool featuresAsBase64 = false, bool includeTruth = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        Format = format;
        Source = source;
        FeaturesAsBase64 = featuresAsBase64;
        IncludeTruth = includeTruth;
    }

    public SampleFormat Format { get; }

    public string Source { get; }

    public bool FeaturesAsBase64 { get; }

    public bool IncludeTruth { get; }

    public string ContentType => Format == SampleFormat.Json ? ContentTypes.Json : ContentTypes.Protobuf;

    /// <summary>Parses <c>json</c> or <c>protobuf</c> (also <c>proto</c>), case-insensitively.</summary>
    /// <exception cref="FormatException">Any other text.</exception>
    public static SampleFormat ParseFormat(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "json" => SampleFormat.Json,
        "protobuf" or "proto" => SampleFormat.Protobuf,
        _ => throw new FormatException($"invalid sample format '{text}': expected 'json' or 'protobuf'"),
    };

    public EncodedSample Encode(LabelledSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var message = new TrainingSample { Id = sample.Id, Label = sample.Label, Source = Source };
        message.Features.AddRange(sample.Features.ToArray());
        if (IncludeTruth)
        {
            message.Attributes.Add("true_label", sample.TrueLabel.ToString(CultureInfo.InvariantCulture));
            message.Attributes.Add("is_noisy", sample.IsNoisy ? "true" : "false");
        }

        var payload = Format == SampleFormat.Json
            ? SampleJsonCodec.Write(message, FeaturesAsBase64)
            : SampleProtobufCodec.Write(message);
        return new EncodedSample(sample.Id, Encoding.UTF8.GetBytes(sample.Id), payload, ContentType);
    }
}
