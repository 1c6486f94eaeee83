using System.Buffers;
using System.Buffers.Binary;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using EasyHard.Contracts.V1;

namespace EasyHard.Contracts.Codecs;

/// <summary>
/// Reads and writes the JSON form of a <see cref="TrainingSample"/>.
/// Reading walks a <see cref="Utf8JsonReader"/> by hand rather than deserializing a DTO: that keeps features as
/// unboxed floats straight into one array, and lets every error name the field and value (a generic
/// <see cref="JsonException"/> from a deserializer only says "could not convert"). Writing goes through the
/// source-generated <see cref="SampleJsonContext"/>.
/// Shape checks (dimension, label range, id rules) belong to the caller, which knows the schema; this codec
/// checks only what is specific to JSON: syntax, types, presence of <c>label</c> and of one features field.
/// One file of about 700 lines on purpose: the reader is one pass over one <see cref="Utf8JsonReader"/>, a ref struct
/// that every field's handler advances, with the error each case answers with beside it.
/// </summary>
public static class SampleJsonCodec
{
    /// <summary>Hard depth limit of the reader; input can never make it recurse or allocate beyond this.</summary>
    public const int MaxDepth = 8;

    /// <summary>
    /// Deepest container nesting accepted (root object = 1). A sample needs 2; unknown fields may nest a little for
    /// forward compatibility. Checked below <see cref="MaxDepth"/> so that the reject has its own reason code.
    /// </summary>
    public const int MaxNesting = MaxDepth - 2;

    private const int MaxQuotedValueChars = 64;

    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = MaxDepth,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    // The default encoder escapes '+' (as \u002B) and non-ASCII for HTML safety; these payloads never go into
    // HTML, and escaping would bloat base64 features and make every reader unescape them.
    private static readonly SampleJsonContext WriterContext = new(new JsonSerializerOptions(SampleJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private enum Field
    {
        Unknown,
        Id,
        Features,
        FeaturesB64,
        Label,
        Source,
        HumanDifficulty,
        Attributes,
    }

    /// <summary>
    /// Parses one JSON object. On success <paramref name="sample"/> has its fields set as given; an absent
    /// <c>id</c> is left empty (the caller derives one). Unknown fields are skipped (forward compatibility).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [NotNullWhen(true)] out TrainingSample? sample, [NotNullWhen(false)] out Rejection? rejection)
    {
        sample = null;
        if (!Utf8.IsValid(utf8Json))
        {
            rejection = new Rejection(RejectReasons.InvalidUtf8, $"payload is not valid UTF-8 (first invalid byte at offset {FirstInvalidUtf8(utf8Json)})");
            return false;
        }

        if (utf8Json.StartsWith(Utf8Bom))
        {
            utf8Json = utf8Json[Utf8Bom.Length..];
        }

        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        try
        {
            rejection = ReadSample(ref reader, utf8Json, out var parsed);
            sample = parsed;
            return rejection is null;
        }
        catch (JsonException e)
        {
            rejection = new Rejection(RejectReasons.UnparsableJson, $"invalid JSON: {e.Message}");
            return false;
        }
    }

    /// <summary>Converts a sample to its JSON object form (for embedding in envelopes or serializing).</summary>
    public static SampleJson ToJson(TrainingSample sample, bool featuresAsBase64 = false)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var json = new SampleJson
        {
            Id = sample.Id.Length == 0 ? null : sample.Id,
            Label = sample.Label,
            Source = sample.Source.Length == 0 ? null : sample.Source,
            HumanDifficulty = sample.HasHumanDifficulty ? sample.HumanDifficulty : null,
            Attributes = sample.Attributes.Count == 0 ? null : new Dictionary<string, string>(sample.Attributes, StringComparer.Ordinal),
        };
        var features = sample.Features.ToArray();
        if (featuresAsBase64)
        {
            json.FeaturesB64 = EncodeFeaturesBase64(features);
        }
        else
        {
            json.Features = features;
        }

        return json;
    }

    /// <summary>Writes a sample as UTF-8 JSON: the producer's format, used by the load generator and tests.</summary>
    public static byte[] Write(TrainingSample sample, bool featuresAsBase64 = false) =>
        JsonSerializer.SerializeToUtf8Bytes(ToJson(sample, featuresAsBase64), WriterContext.SampleJson);

    /// <summary>Writes a sample into an existing writer (e.g. one line of a JSONL file).</summary>
    public static void Write(Utf8JsonWriter writer, TrainingSample sample, bool featuresAsBase64 = false) =>
        JsonSerializer.Serialize(writer, ToJson(sample, featuresAsBase64), WriterContext.SampleJson);

    /// <summary>Base64 of the features as little-endian float32, the <c>features_b64</c> form.</summary>
    public static string EncodeFeaturesBase64(ReadOnlySpan<float> features)
    {
        if (BitConverter.IsLittleEndian)
        {
            return Convert.ToBase64String(MemoryMarshal.AsBytes(features));
        }

        var bytes = new byte[features.Length * sizeof(float)];
        for (var i = 0; i < features.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), features[i]);
        }

        return Convert.ToBase64String(bytes);
    }

    private static Rejection? ReadSample(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out TrainingSample? sample)
    {
        sample = null;
        if (!reader.Read())
        {
            return new Rejection(RejectReasons.EmptyPayload, "payload contains no JSON value");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            // One record is one sample: a top-level array is usually a whole batch sent as one message.
            return new Rejection(RejectReasons.JsonNotObject, $"expected a JSON object at the top level, found {Describe(reader.TokenType)}");
        }

        var result = new TrainingSample();
        var seen = 0;
        var hasLabel = false;
        var featureFields = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (!TryIdentify(ref reader, out var field))
            {
                return InvalidString("a property name");
            }

            if (field != Field.Unknown)
            {
                var bit = 1 << (int)field;
                if ((seen & bit) != 0)
                {
                    return new Rejection(RejectReasons.DuplicateField, $"field '{Name(field)}' appears more than once");
                }

                seen |= bit;
            }

            var present = false;
            var error = field switch
            {
                Field.Id => ReadId(ref reader, result),
                Field.Source => ReadOptionalString(ref reader, "source", value => result.Source = value),
                Field.Features => ReadFeatures(ref reader, json, result, out present),
                Field.FeaturesB64 => ReadFeaturesBase64(ref reader, result, out present),
                Field.Label => ReadLabel(ref reader, result, out hasLabel),
                Field.HumanDifficulty => ReadHumanDifficulty(ref reader, json, result),
                Field.Attributes => ReadAttributes(ref reader, result),
                _ => SkipUnknown(ref reader),
            };
            if (error is not null)
            {
                return error;
            }

            if (present)
            {
                // "features": null next to "features_b64" is fine; two actual feature vectors are ambiguous.
                if (featureFields++ > 0)
                {
                    return new Rejection(RejectReasons.ConflictingFeatures, "both 'features' and 'features_b64' are present; send exactly one");
                }
            }
        }

        // Anything but whitespace after the object ("{} {}", "{}x", "{}\0") is trailing data. The reader would throw
        // on it (or, for a second value, need AllowMultipleValues); checking the bytes names the problem instead.
        if (reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0)
        {
            var rest = json[checked((int)reader.BytesConsumed)..];
            var trailing = rest.Length - rest.TrimStart(" \t\r\n"u8).Length;
            if (trailing != rest.Length)
            {
                return new Rejection(RejectReasons.JsonTrailingData,
                    $"{rest.Length - trailing} more bytes follow the sample object at byte {reader.BytesConsumed + trailing}; send one sample per record");
            }
        }
        else
        {
            // Read returned false inside the object: the input ended before its closing brace.
            return new Rejection(RejectReasons.UnparsableJson, "the JSON object is not closed (truncated input)");
        }

        if (!hasLabel)
        {
            return new Rejection(RejectReasons.MissingLabel, "field 'label' is missing (or null); it must be an integer class index");
        }

        if (featureFields == 0)
        {
            return new Rejection(RejectReasons.MissingFeatures, "neither 'features' nor 'features_b64' is present");
        }

        sample = result;
        return null;
    }

    private static bool TryIdentify(ref Utf8JsonReader reader, out Field field)
    {
        // ValueTextEquals throws on a name whose escapes cannot be unescaped (a lone surrogate), and only when the
        // name resembles the one compared with; unescaping escaped names first rejects every such name alike.
        if (reader.ValueIsEscaped && !TryGetString(ref reader, out _))
        {
            field = Field.Unknown;
            return false;
        }

        field = Identify(ref reader);
        return true;
    }

    private static Field Identify(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("id"u8))
        {
            return Field.Id;
        }

        if (reader.ValueTextEquals("features"u8))
        {
            return Field.Features;
        }

        if (reader.ValueTextEquals("features_b64"u8))
        {
            return Field.FeaturesB64;
        }

        if (reader.ValueTextEquals("label"u8))
        {
            return Field.Label;
        }

        if (reader.ValueTextEquals("source"u8))
        {
            return Field.Source;
        }

        if (reader.ValueTextEquals("human_difficulty"u8))
        {
            return Field.HumanDifficulty;
        }

        return reader.ValueTextEquals("attributes"u8) ? Field.Attributes : Field.Unknown;
    }

    private static string Name(Field field) => field switch
    {
        Field.Id => "id",
        Field.Features => "features",
        Field.FeaturesB64 => "features_b64",
        Field.Label => "label",
        Field.Source => "source",
        Field.HumanDifficulty => "human_difficulty",
        Field.Attributes => "attributes",
        _ => "?",
    };

    private static Rejection? ReadId(ref Utf8JsonReader reader, TrainingSample sample)
    {
        var error = ReadOptionalString(ref reader, "id", value => sample.Id = value);
        if (error is null && reader.TokenType == JsonTokenType.String && reader.ValueSpan.IsEmpty)
        {
            return new Rejection(RejectReasons.EmptyId, "field 'id' is an empty string; omit it (or send null) to have an id derived from the record key or origin");
        }

        return error;
    }

    private static Rejection? ReadOptionalString(ref Utf8JsonReader reader, string name, Action<string> assign)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                if (!TryGetString(ref reader, out var value))
                {
                    return InvalidString(name);
                }

                assign(value);
                return null;
            default:
                return new Rejection(RejectReasons.InvalidFieldType, $"field '{name}' must be a string, got {Describe(ref reader)}");
        }
    }

    private static Rejection? ReadFeatures(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, TrainingSample sample, out bool present)
    {
        present = false;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return new Rejection(RejectReasons.InvalidFieldType, $"field 'features' must be an array of numbers, got {Describe(ref reader)}");
        }

        var buffer = ArrayPool<float>.Shared.Rent(1024);
        try
        {
            var count = 0;
            while (true)
            {
                if (ReadNonFiniteLiteral(ref reader, json, out var literal))
                {
                    return new Rejection(RejectReasons.NonFiniteFeature, $"features[{count}] is {literal}; every feature must be a finite number");
                }

                if (reader.TokenType == JsonTokenType.EndArray)
                {
                    break;
                }

                float value;
                if (reader.TokenType == JsonTokenType.Number)
                {
                    // A literal beyond float32's range (1e39) parses to ±Infinity, or fails on older runtimes.
                    if (!reader.TryGetSingle(out value) || !float.IsFinite(value))
                    {
                        return new Rejection(RejectReasons.NonFiniteFeature, $"features[{count}] = {Raw(ref reader)} overflows float32; every feature must be finite");
                    }
                }
                else if (reader.TokenType == JsonTokenType.String && IsNonFiniteWord(ref reader))
                {
                    return new Rejection(RejectReasons.NonFiniteFeature, $"features[{count}] is \"{Raw(ref reader)}\"; every feature must be a finite number");
                }
                else
                {
                    return new Rejection(RejectReasons.InvalidFieldType, $"features[{count}] must be a number, got {Describe(ref reader)}");
                }

                if (count == buffer.Length)
                {
                    var larger = ArrayPool<float>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<float>.Shared.Return(buffer);
                    buffer = larger;
                }

                buffer[count++] = value;
            }

            // One exact-size array: RepeatedField.AddRange copies an ICollection in one block.
            sample.Features.AddRange(buffer.AsSpan(0, count).ToArray());
            present = true;
            return null;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private static Rejection? ReadFeaturesBase64(ref Utf8JsonReader reader, TrainingSample sample, out bool present)
    {
        present = false;
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return new Rejection(RejectReasons.InvalidFieldType, $"field 'features_b64' must be a base64 string, got {Describe(ref reader)}");
        }

        // Base64 needs no JSON escapes, but some encoders write "\/" for '/' or "\u002B" for '+'.
        byte[]? unescaped = null;
        var text = reader.ValueSpan;
        if (reader.ValueIsEscaped)
        {
            unescaped = ArrayPool<byte>.Shared.Rent(text.Length);
            try
            {
                text = unescaped.AsSpan(0, reader.CopyString(unescaped));
            }
            catch (InvalidOperationException)
            {
                // "\ud800": valid JSON, but CopyString cannot unescape a lone surrogate to UTF-8 (see TryGetString).
                ArrayPool<byte>.Shared.Return(unescaped);
                return InvalidString("features_b64");
            }
        }

        var decoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(text.Length));
        try
        {
            var status = Base64.DecodeFromUtf8(text, decoded, out _, out var written);
            if (status != OperationStatus.Done)
            {
                return new Rejection(RejectReasons.InvalidBase64, $"field 'features_b64' is not valid base64 ({text.Length} characters, {status})");
            }

            if (written % sizeof(float) != 0)
            {
                return new Rejection(RejectReasons.InvalidBase64, $"field 'features_b64' decodes to {written} bytes, not a multiple of 4 (little-endian float32 values)");
            }

            var features = new float[written / sizeof(float)];
            if (BitConverter.IsLittleEndian)
            {
                decoded.AsSpan(0, written).CopyTo(MemoryMarshal.AsBytes(features.AsSpan()));
            }
            else
            {
                for (var i = 0; i < features.Length; i++)
                {
                    features[i] = BinaryPrimitives.ReadSingleLittleEndian(decoded.AsSpan(i * sizeof(float)));
                }
            }

            sample.Features.AddRange(features);
            present = true;
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
            if (unescaped is not null)
            {
                ArrayPool<byte>.Shared.Return(unescaped);
            }
        }
    }

    private static Rejection? ReadLabel(ref Utf8JsonReader reader, TrainingSample sample, out bool present)
    {
        present = false;
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                if (reader.TryGetInt32(out var label))
                {
                    sample.Label = label;
                    present = true;
                    return null;
                }

                // 3.0 or 3e0 is still the integer 3 (numpy floats serialize that way); 3.5 is not.
                if (reader.TryGetDouble(out var number) && Math.Floor(number) == number)
                {
                    if (number is < int.MinValue or > int.MaxValue)
                    {
                        return new Rejection(RejectReasons.LabelOutOfRange, $"label {Raw(ref reader)} is far outside any class range");
                    }

                    sample.Label = (int)number;
                    present = true;
                    return null;
                }

                return new Rejection(RejectReasons.LabelNotInteger, $"label {Raw(ref reader)} is not an integer class index");
            default:
                return new Rejection(RejectReasons.LabelNotInteger, $"label must be an integer class index, got {Describe(ref reader)}");
        }
    }

    private static Rejection? ReadHumanDifficulty(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, TrainingSample sample)
    {
        if (ReadNonFiniteLiteral(ref reader, json, out var literal))
        {
            return new Rejection(RejectReasons.NonFiniteHumanDifficulty, $"human_difficulty is {literal}; it must be a finite number");
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                if (!reader.TryGetDouble(out var value) || !double.IsFinite(value))
                {
                    return new Rejection(RejectReasons.NonFiniteHumanDifficulty, $"human_difficulty {Raw(ref reader)} overflows a double");
                }

                sample.HumanDifficulty = value;
                return null;
            case JsonTokenType.String when IsNonFiniteWord(ref reader):
                return new Rejection(RejectReasons.NonFiniteHumanDifficulty, $"human_difficulty is \"{Raw(ref reader)}\"; it must be a finite number");
            default:
                return new Rejection(RejectReasons.InvalidFieldType, $"field 'human_difficulty' must be a number, got {Describe(ref reader)}");
        }
    }

    private static Rejection? ReadAttributes(ref Utf8JsonReader reader, TrainingSample sample)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return new Rejection(RejectReasons.InvalidFieldType, $"field 'attributes' must be an object of strings, got {Describe(ref reader)}");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            if (!TryGetString(ref reader, out var key))
            {
                return InvalidString("attributes");
            }

            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                return new Rejection(RejectReasons.InvalidFieldType, $"attributes.{Quote(key)} must be a string, got {Describe(ref reader)}");
            }

            if (!TryGetString(ref reader, out var value))
            {
                return InvalidString($"attributes.{Quote(key)}");
            }

            if (sample.Attributes.ContainsKey(key))
            {
                return new Rejection(RejectReasons.DuplicateField, $"attribute '{Quote(key)}' appears more than once");
            }

            sample.Attributes[key] = value;
        }

        return null;
    }

    private static Rejection? SkipUnknown(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return null;
        }

        var depth = reader.CurrentDepth;
        do
        {
            // CurrentDepth of a container's start token is the number of containers around it.
            if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= MaxNesting)
            {
                return new Rejection(RejectReasons.JsonTooDeep, $"JSON nests deeper than {MaxNesting} levels (at byte {reader.TokenStartIndex})");
            }

            reader.Read();
        }
        while (reader.CurrentDepth > depth || reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray));

        return null;
    }

    private static bool TryGetString(ref Utf8JsonReader reader, [NotNullWhen(true)] out string? value)
    {
        try
        {
            value = reader.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") is legal JSON text but not a Unicode string.
            value = null;
            return false;
        }
    }

    private static Rejection InvalidString(string field) =>
        new(RejectReasons.InvalidUtf8, $"field '{field}' contains a \\u escape of an unpaired surrogate, which is not valid Unicode text");

    private static bool IsNonFiniteWord(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > 16)
        {
            return false;
        }

        var span = reader.ValueSpan;
        return span.SequenceEqual("NaN"u8) || span.SequenceEqual("nan"u8)
            || span.SequenceEqual("Infinity"u8) || span.SequenceEqual("-Infinity"u8) || span.SequenceEqual("+Infinity"u8)
            || span.SequenceEqual("inf"u8) || span.SequenceEqual("-inf"u8) || span.SequenceEqual("+inf"u8)
            || span.SequenceEqual("Inf"u8) || span.SequenceEqual("-Inf"u8);
    }

    /// <summary>
    /// Reads the next token; returns true (and reads nothing) when the input there is a bare NaN/Infinity literal.
    /// Python's json.dumps writes those (they are not JSON), so the reject names the real problem, not the syntax.
    /// </summary>
    private static bool ReadNonFiniteLiteral(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out string literal)
    {
        var before = checked((int)reader.BytesConsumed);
        try
        {
            reader.Read();
            literal = string.Empty;
            return false;
        }
        catch (JsonException) when (StartsWithNonFiniteLiteral(json[before..], out literal))
        {
            return true;
        }
    }

    private static bool StartsWithNonFiniteLiteral(ReadOnlySpan<byte> rest, out string literal)
    {
        rest = rest.TrimStart(" \t\r\n,:"u8);
        foreach (var candidate in (ReadOnlySpan<string>)["NaN", "Infinity", "-Infinity"])
        {
            if (rest.StartsWith(Encoding.ASCII.GetBytes(candidate)))
            {
                literal = candidate;
                return true;
            }
        }

        literal = string.Empty;
        return false;
    }

    private static string Raw(ref Utf8JsonReader reader)
    {
        var span = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        var text = Encoding.UTF8.GetString(span.Length > MaxQuotedValueChars ? span[..MaxQuotedValueChars] : span);
        return span.Length > MaxQuotedValueChars ? text + "…" : text;
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"string \"{Raw(ref reader)}\"",
        JsonTokenType.Number => $"number {Raw(ref reader)}",
        _ => Describe(reader.TokenType),
    };

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Quote(string key) => key.Length > MaxQuotedValueChars ? key[..MaxQuotedValueChars] + "…" : key;

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }
}
