namespace EasyHard.Contracts.Codecs;

/// <summary>
/// The closed set of reason codes a record can be dead-lettered with, by every role: one catalogue, so a dead letter's
/// reason means the same wherever it was written. They are metric label values, so the set is small and fixed; the
/// detail (field, value) goes in <see cref="Rejection.Message"/>, never in the code. Ingest judges what producers
/// wrote; the Scorer and the Sink judge what the role before them wrote, which only a defect, a different version or
/// another producer on their topic can make wrong.
/// </summary>
public static class RejectReasons
{
    /// <summary>The value is null or has no bytes (or only whitespace).</summary>
    public const string EmptyPayload = "empty_payload";

    /// <summary>The value is larger than <c>Schema:MaxRecordBytes</c>; it is rejected before any parsing.</summary>
    public const string Oversized = "oversized";

    /// <summary>The <c>content-type</c> header names a format EasyHard does not read.</summary>
    public const string UnsupportedContentType = "unsupported_content_type";

    /// <summary>
    /// The <c>content-type</c> header names one format but the payload is the other (e.g. it says protobuf and the
    /// bytes are a JSON sample): the record would have been accepted with the right header.
    /// </summary>
    public const string ContentTypeMismatch = "content_type_mismatch";

    /// <summary>
    /// Text is not valid UTF-8: a JSON payload (a UTF-16 one is <see cref="Utf16Json"/>), a protobuf string field, or a JSON
    /// <c>\u</c> escape of an unpaired surrogate, which has no UTF-8 form.
    /// </summary>
    public const string InvalidUtf8 = "invalid_utf8";

    /// <summary>Not well-formed JSON (syntax error, truncated, comments, trailing commas, NaN outside features...).</summary>
    public const string UnparsableJson = "unparsable_json";

    /// <summary>Well-formed JSON whose top-level value is not an object or an array (<c>null</c>, a string, a number).</summary>
    public const string JsonNotObject = "json_not_object";

    /// <summary>More bytes follow the sample object (e.g. several samples concatenated in one record).</summary>
    public const string JsonTrailingData = "json_trailing_data";

    /// <summary>JSON nested deeper than a sample can be (see <see cref="SampleJsonCodec.MaxNesting"/>).</summary>
    public const string JsonTooDeep = "json_too_deep";

    /// <summary>Not a well-formed protobuf <c>easyhard.v1.TrainingSample</c>.</summary>
    public const string UnparsableProtobuf = "unparsable_protobuf";

    /// <summary>
    /// The value is compressed by hand (gzip, zstd, lz4, snappy, xz, bzip2, zip magic number). Kafka compresses record
    /// batches itself (<c>compression.type</c>); a value must be the sample.
    /// </summary>
    public const string CompressedPayload = "compressed_payload";

    /// <summary>The value is JSON text encoded as UTF-16 (with or without a byte order mark) instead of UTF-8.</summary>
    public const string Utf16Json = "utf16_json";

    /// <summary>The value is a JSON array (e.g. several samples in one record) instead of one sample object.</summary>
    public const string JsonArray = "json_array";

    /// <summary>A JSON field (or an attribute key) appears twice in the same object.</summary>
    public const string DuplicateField = "duplicate_field";

    /// <summary>A field has the wrong JSON type (e.g. <c>"id": 42</c>, <c>"features": "0.1,0.2"</c>).</summary>
    public const string InvalidFieldType = "invalid_field_type";

    /// <summary>The sample id is longer than <c>Schema:MaxIdLength</c> UTF-8 bytes.</summary>
    public const string IdTooLong = "id_too_long";

    /// <summary>
    /// A JSON sample has <c>"id": ""</c>. An absent (or null) id is not an error: the sample takes its id from the
    /// record key or its origin. An empty string is a value, and almost always a producer bug.
    /// </summary>
    public const string EmptyId = "empty_id";

    /// <summary>
    /// The sample id is only whitespace, or contains control characters, line/paragraph separators or bidirectional
    /// formatting characters (which would corrupt logs, headers and anything that displays the id).
    /// </summary>
    public const string InvalidId = "invalid_id";

    /// <summary>
    /// <c>source</c> is longer than <see cref="SampleLimits.MaxSourceBytes"/> UTF-8 bytes or contains the characters
    /// an id may not contain (U+0000 among them, which PostgreSQL text cannot store).
    /// </summary>
    public const string InvalidSource = "invalid_source";

    /// <summary><c>attributes</c> has more than <see cref="SampleLimits.MaxAttributes"/> entries.</summary>
    public const string TooManyAttributes = "too_many_attributes";

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

    /// <summary>
    /// Parsing the record threw an exception no bad input should cause: a defect in EasyHard, logged as an error.
    /// The record is dead-lettered rather than retried, so one record can never block its partition.
    /// </summary>
    public const string ParserError = "parser_error";

    /// <summary>
    /// The record was accepted, but what EasyHard makes of it (the canonical sample, the scored sample, the trainer
    /// record) is larger than the producer's <c>message.max.bytes</c>: it could never be produced.
    /// </summary>
    public const string OutputTooLarge = "output_too_large";

    /// <summary>The broker refused the record's output for good (larger than the topic's <c>max.message.bytes</c>, malformed).</summary>
    public const string Undeliverable = "undeliverable";

    /// <summary>A record between roles is not the protobuf the role before writes (<c>CanonicalSample</c> for the Scorer, <c>ScoredSample</c> for the Sink).</summary>
    public const string Unparsable = "unparsable";

    /// <summary>A <c>CanonicalSample</c> reaching the Scorer carries no sample.</summary>
    public const string MissingSample = "missing_sample";

    /// <summary>A sample reaching the Scorer has no id.</summary>
    public const string MissingId = "missing_id";

    /// <summary>A <c>ScoredSample</c> reaching the Sink lacks its canonical sample, the sample's id, or its scores.</summary>
    public const string Incomplete = "incomplete";

    /// <summary>A string reaching the Sink contains U+0000, which PostgreSQL text cannot store (it would fail the batch forever).</summary>
    public const string InvalidText = "invalid_text";

    /// <summary>A score or the weight reaching the Sink is NaN or infinite; trainers and SQL need finite numbers.</summary>
    public const string NonFiniteScore = "non_finite_score";

    /// <summary>Ingest's codes, so its metrics can pre-create (and export at zero) one labelled child per reason.</summary>
    public static IReadOnlyList<string> Ingest { get; } =
    [
        EmptyPayload, Oversized, UnsupportedContentType, ContentTypeMismatch, InvalidUtf8, UnparsableJson, JsonNotObject,
        JsonTrailingData, JsonTooDeep, UnparsableProtobuf, CompressedPayload, Utf16Json, JsonArray, DuplicateField, InvalidFieldType, IdTooLong, EmptyId, InvalidId,
        InvalidSource, TooManyAttributes, MissingLabel, LabelNotInteger, LabelOutOfRange, MissingFeatures,
        ConflictingFeatures, InvalidBase64, WrongDimension, NonFiniteFeature, NonFiniteHumanDifficulty, ParserError,
        OutputTooLarge, Undeliverable,
    ];

    /// <summary>The Scorer's codes: its input's shape, and what the Kafka shell refuses to produce.</summary>
    public static IReadOnlyList<string> Scorer { get; } =
        [EmptyPayload, Unparsable, MissingSample, MissingId, WrongDimension, LabelOutOfRange, NonFiniteFeature, OutputTooLarge, Undeliverable];

    /// <summary>The Sink's codes: its input's shape, and what the Kafka shell refuses to produce.</summary>
    public static IReadOnlyList<string> Sink { get; } = [Unparsable, Incomplete, InvalidText, NonFiniteScore, OutputTooLarge, Undeliverable];

    /// <summary>Every code of every role.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Ingest.Concat(Scorer).Concat(Sink).Distinct(StringComparer.Ordinal)];
}
