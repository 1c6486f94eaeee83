namespace EasyHard.Core.Codecs;

/// <summary>
/// The closed set of reason codes a record can be dead-lettered with. They are metric label values, so the
/// set is small and fixed; the detail (field, value) goes in <see cref="Rejection.Message"/>, never in the code.
/// </summary>
public static class RejectReasons
{
    /// <summary>The value is null or has no bytes (or only whitespace).</summary>
    public const string EmptyPayload = "empty_payload";

    /// <summary>The value is larger than <c>Schema:MaxRecordBytes</c>; it is rejected before any parsing.</summary>
    public const string Oversized = "oversized";

    /// <summary>The <c>content-type</c> header names a format EasyHard does not read.</summary>
    public const string UnsupportedContentType = "unsupported_content_type";

    /// <summary>A JSON payload is not valid UTF-8.</summary>
    public const string InvalidUtf8 = "invalid_utf8";

    /// <summary>Not well-formed JSON, or not a JSON object at the top level.</summary>
    public const string UnparsableJson = "unparsable_json";

    /// <summary>JSON nested deeper than a sample can be (see <see cref="SampleJsonCodec.MaxNesting"/>).</summary>
    public const string JsonTooDeep = "json_too_deep";

    /// <summary>Not a well-formed protobuf <c>easyhard.v1.TrainingSample</c>.</summary>
    public const string UnparsableProtobuf = "unparsable_protobuf";

    /// <summary>A JSON field appears twice in the same object.</summary>
    public const string DuplicateField = "duplicate_field";

    /// <summary>A field has the wrong JSON type (e.g. <c>"id": 42</c>, <c>"features": "0.1,0.2"</c>).</summary>
    public const string InvalidFieldType = "invalid_field_type";

    /// <summary>The sample id is longer than <c>Schema:MaxIdLength</c> UTF-8 bytes.</summary>
    public const string IdTooLong = "id_too_long";

    /// <summary>The sample id contains control characters.</summary>
    public const string InvalidId = "invalid_id";

    /// <summary>A JSON sample has no <c>label</c> (or <c>"label": null</c>).</summary>
    public const string MissingLabel = "missing_label";

    /// <summary>The label is not an integer (a fraction, a string, a boolean...).</summary>
    public const string LabelNotInteger = "label_not_integer";

    /// <summary>The label lies outside [0, <c>Schema:Classes</c>).</summary>
    public const string LabelOutOfRange = "label_out_of_range";

    /// <summary>Neither <c>features</c> nor <c>features_b64</c> is present.</summary>
    public const string MissingFeatures = "missing_features";

    /// <summary>Both <c>features</c> and <c>features_b64</c> are present.</summary>
    public const string ConflictingFeatures = "conflicting_features";

    /// <summary><c>features_b64</c> is not base64, or decodes to a length that is not a multiple of 4 bytes.</summary>
    public const string InvalidBase64 = "invalid_base64";

    /// <summary>The number of features differs from <c>Schema:Dimension</c>.</summary>
    public const string WrongDimension = "wrong_dimension";

    /// <summary>A feature is NaN or ±Infinity, or overflows float32.</summary>
    public const string NonFiniteFeature = "non_finite_feature";

    /// <summary><c>human_difficulty</c> is NaN or ±Infinity.</summary>
    public const string NonFiniteHumanDifficulty = "non_finite_human_difficulty";

    /// <summary>Every code, so metrics can pre-create (and export at zero) one labelled child per reason.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        EmptyPayload, Oversized, UnsupportedContentType, InvalidUtf8, UnparsableJson, JsonTooDeep, UnparsableProtobuf,
        DuplicateField, InvalidFieldType, IdTooLong, InvalidId, MissingLabel, LabelNotInteger, LabelOutOfRange,
        MissingFeatures, ConflictingFeatures, InvalidBase64, WrongDimension, NonFiniteFeature, NonFiniteHumanDifficulty,
    ];
}
