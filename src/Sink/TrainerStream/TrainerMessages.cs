using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;

namespace EasyHard.Sink.TrainerStream;

/// <summary>
/// Builds the trainer-stream record of a scored sample (pure function). Trainers keep consuming what their
/// producers wrote: the value is the original bytes, untouched, and EasyHard's view travels in headers as ASCII
/// invariant-culture decimal strings, so a trainer in any language can read the weight without our schema.
/// </summary>
public static class TrainerMessages
{
    /// <summary>
    /// The records for <paramref name="scored"/>: one, to the weighted topic, or to the quarantine topic when the
    /// sample is quarantined. None when it is quarantined and quarantine emission is off (it must not reach
    /// trainers). The resampled stream (<c>Sink:TrainerStream:Sampling=resample</c>) emits a sample that is not
    /// quarantined as many times as <see cref="ImportanceResampling"/> draws (none, one or several identical
    /// records), each with the corrected weight.
    /// </summary>
    public static IReadOnlyList<OutgoingMessage> Build(ScoredSample scored, TrainerStreamOptions options, TopicOptions topics)
    {
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topics);
        string topic;
        if (scored.Quarantined)
        {
            if (!options.EmitQuarantine)
            {
                return [];
            }

            topic = topics.Quarantine;
        }
        else
        {
            topic = topics.Weighted;
        }

        var canonical = scored.Canonical ?? new CanonicalSample();
        var id = canonical.Sample?.Id ?? string.Empty;
        var weight = scored.Weight;
        var copies = 1;
        if (options.IsResampled && !scored.Quarantined)
        {
            (copies, weight) = ImportanceResampling.Decide(id, scored.Weight, options.ResampleCeiling);
            if (copies == 0)
            {
                return [];
            }
        }

        var original = canonical.OriginalPayload.Memory;
        var headers = BuildHeaders(scored, weight);
        byte[] value;
        if (options.IsEnvelope)
        {
            value = BuildEnvelope(scored, weight, id, original.Span, canonical.ContentType);
            headers.Add(ContentTypes.HeaderName, Encoding.ASCII.GetBytes(ContentTypes.Json));
        }
        else
        {
            value = original.ToArray();
            if (!string.IsNullOrEmpty(canonical.ContentType))
            {
                headers.Add(ContentTypes.HeaderName, Encoding.UTF8.GetBytes(canonical.ContentType));
            }
        }

        return Enumerable.Repeat(new OutgoingMessage(topic, Encoding.UTF8.GetBytes(id), value, headers), copies).ToArray();
    }

    /// <summary>Invariant-culture shortest round-trip form, e.g. <c>0.25</c>, <c>1.5E-05</c>.</summary>
    public static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);

    private static Headers BuildHeaders(ScoredSample scored, float weight)
    {
        var scores = scored.Scores ?? new Scores();
        var headers = new Headers
        {
            { HeaderNames.Weight, Ascii(Format(weight)) },
            { HeaderNames.Difficulty, Ascii(Format(scores.Difficulty)) },
            { HeaderNames.Noise, Ascii(Format(scores.Noise)) },
            { HeaderNames.Influence, Ascii(Format(scores.Influence)) },
            { HeaderNames.Bucket, Ascii(scored.Bucket.ToName()) },
            { HeaderNames.ModelVersion, Ascii(scored.ModelVersion.ToString(CultureInfo.InvariantCulture)) },
        };
        if (scores.HasSuggestion())
        {
            headers.Add(HeaderNames.SuggestedLabel, Ascii(scores.SuggestedLabel.ToString(CultureInfo.InvariantCulture)));
            headers.Add(HeaderNames.SuggestedLabelP, Ascii(Format(scores.SuggestedLabelP)));
        }

        return headers;
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] BuildEnvelope(ScoredSample scored, float weight, string id, ReadOnlySpan<byte> original, string contentType)
    {
        var scores = scored.Scores ?? new Scores();
        var buffer = new ArrayBufferWriter<byte>(original.Length + 512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", id);
            json.WritePropertyName("sample");
            // A JSON original is embedded as itself, so trainers read one document; a protobuf one cannot be, and
            // goes as base64 (content_type says which).
            if (LooksLikeJson(contentType, original) && IsValidJson(original))
            {
                json.WriteRawValue(original, skipInputValidation: true);
                json.WriteString("content_type", ContentTypes.Json);
            }
            else
            {
                json.WriteBase64StringValue(original);
                json.WriteString("content_type", string.IsNullOrEmpty(contentType) ? ContentTypes.Protobuf : contentType);
            }

            json.WriteNumber("weight", weight);
            json.WriteString("bucket", scored.Bucket.ToName());
            json.WriteNumber("model_version", scored.ModelVersion);
            json.WriteBoolean("warming", scored.Warming);
            json.WriteBoolean("quarantined", scored.Quarantined);
            json.WriteStartObject("scores");
            json.WriteNumber("loss", scores.Loss);
            json.WriteNumber("self_confidence", scores.SelfConfidence);
            json.WriteNumber("margin", scores.Margin);
            json.WriteNumber("el2n", scores.El2N);
            json.WriteNumber("grad_norm", scores.GradNorm);
            json.WriteNumber("influence", scores.Influence);
            json.WriteNumber("difficulty", scores.Difficulty);
            json.WriteNumber("noise", scores.Noise);
            json.WriteNumber("disagreement", scores.Disagreement);
            json.WriteNumber("predicted_label", scores.PredictedLabel);
            if (scores.HasSuggestion())
            {
                json.WriteNumber("suggested_label", scores.SuggestedLabel);
                json.WriteNumber("suggested_label_p", scores.SuggestedLabelP);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool LooksLikeJson(string contentType, ReadOnlySpan<byte> original)
    {
        if (!string.IsNullOrEmpty(contentType))
        {
            return contentType.StartsWith(ContentTypes.Json, StringComparison.OrdinalIgnoreCase);
        }

        var trimmed = original.TrimStart(" \t\r\n"u8);
        return !trimmed.IsEmpty && trimmed[0] == (byte)'{';
    }

    private static bool IsValidJson(ReadOnlySpan<byte> original)
    {
        try
        {
            var reader = new Utf8JsonReader(original);
            if (!reader.Read() || !reader.TrySkip())
            {
                return false;
            }

            return !reader.Read(); // nothing after the one value
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
