using System.Globalization;
using System.Text;
using System.Text.Unicode;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using Google.Protobuf;

namespace EasyHard.Ingest.Parsing;

/// <summary>
/// Turns one raw record into a validated <see cref="CanonicalSample"/> or a <see cref="Rejection"/>. Pure: no I/O,
/// no clock, safe to share between threads.
/// <para>Format: the <c>content-type</c> header decides (<c>application/json</c>, <c>application/x-protobuf</c>,
/// parameters such as <c>; charset=utf-8</c> ignored); any other value is rejected. Without the header the
/// payload is sniffed: first non-whitespace byte <c>{</c> means JSON, anything else protobuf. A protobuf sample
/// can begin with bytes that look like JSON whitespace (0x0A is the tag of <c>id</c>), so when sniffed JSON has
/// leading whitespace and fails to parse, protobuf is tried before rejecting. A record that fails both ways is
/// described by its shape when it has a recognisable one (<see cref="PayloadShapes"/>: compressed, UTF-16, an array).</para>
/// <para>Id: the sample's own <c>id</c> when present (validated: at most <c>Schema:MaxIdLength</c> UTF-8 bytes, none
/// of the characters <see cref="SampleLimits.IsForbiddenInText"/> names). Otherwise the record key, when it is usable as an id (valid UTF-8, non-empty, within the
/// length limit, no control characters). Otherwise <c>{topic}-{partition}-{offset}</c> of the origin, which is
/// unique per record and stable across re-deliveries, so upserts by id stay idempotent. A derived id is never
/// a reason to reject.</para>
/// </summary>
public sealed class SampleParser
{
    private const int MaxQuotedChars = 64;

    private readonly SampleSchemaOptions _schema;

    public SampleParser(SampleSchemaOptions schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        _schema = schema;
    }

    private enum Format
    {
        Json,
        Protobuf,
    }

    /// <param name="value">The record value; referenced (not copied) as the canonical sample's original payload.</param>
    /// <param name="contentType">The <c>content-type</c> header value, or null when the record has none.</param>
    /// <param name="key">The record key (may be empty).</param>
    /// <param name="origin">Where the record was read from.</param>
    public SampleParseResult Parse(ReadOnlyMemory<byte> value, string? contentType, ReadOnlySpan<byte> key, Origin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        var span = value.Span;
        if (span.IsEmpty)
        {
            return SampleParseResult.Rejected(RejectReasons.EmptyPayload, "record value is empty");
        }

        if (span.Length > _schema.MaxRecordBytes)
        {
            return SampleParseResult.Rejected(RejectReasons.Oversized,
                $"record value is {span.Length} bytes; Schema:MaxRecordBytes is {_schema.MaxRecordBytes}");
        }

        TrainingSample? sample;
        Rejection? rejection;
        Format format;
        var declared = MediaType(contentType);
        if (declared is not null)
        {
            if (IsJson(declared))
            {
                format = Format.Json;
            }
            else if (IsProtobuf(declared))
            {
                format = Format.Protobuf;
            }
            else
            {
                return SampleParseResult.Rejected(RejectReasons.UnsupportedContentType,
                    $"content-type '{Truncate(Printable(contentType!))}' is not supported; use {ContentTypes.Json} or {ContentTypes.Protobuf}");
            }

            if (format == Format.Json && span.Trim(" \t\r\n"u8).IsEmpty)
            {
                return SampleParseResult.Rejected(RejectReasons.EmptyPayload, "record value contains only whitespace");
            }

            var ok = format == Format.Json
                ? SampleJsonCodec.TryParse(span, out sample, out rejection)
                : SampleProtobufCodec.TryParse(value, out sample, out rejection);
            if (!ok || sample is null)
            {
                // Only on the failure path, so a correct header costs nothing: when the payload parses as the other
                // format, the header is what is wrong, and saying so is what the producer needs to hear.
                var other = format == Format.Json ? ContentTypes.Protobuf : ContentTypes.Json;
                var otherParses = format == Format.Json
                    ? SampleProtobufCodec.TryParse(value, out _, out _)
                    : SampleJsonCodec.TryParse(span, out _, out _);
                return otherParses
                    ? SampleParseResult.Rejected(RejectReasons.ContentTypeMismatch,
                        $"content-type says '{Truncate(Printable(contentType!))}' but the value is a {other} sample ({rejection!.Message})")
                    : SampleParseResult.Rejected(PayloadShapes.Recognize(span) ?? rejection!);
            }
        }
        else
        {
            var trimmed = span.TrimStart(" \t\r\n"u8);
            if (trimmed.StartsWith("\uFEFF"u8))
            {
                trimmed = trimmed[3..].TrimStart(" \t\r\n"u8);
            }

            if (trimmed.IsEmpty)
            {
                return SampleParseResult.Rejected(RejectReasons.EmptyPayload, "record value contains only whitespace");
            }

            if (trimmed[0] == (byte)'{')
            {
                format = Format.Json;
                if (!SampleJsonCodec.TryParse(span, out sample, out rejection))
                {
                    var leadingWhitespace = trimmed.Length != span.Length;
                    if (!leadingWhitespace || !SampleProtobufCodec.TryParse(value, out sample, out _))
                    {
                        return SampleParseResult.Rejected(PayloadShapes.Recognize(span) ?? rejection);
                    }

                    format = Format.Protobuf;
                }
            }
            else
            {
                format = Format.Protobuf;
                if (!SampleProtobufCodec.TryParse(value, out sample, out rejection))
                {
                    return PayloadShapes.Recognize(span) is { } shape
                        ? SampleParseResult.Rejected(shape)
                        : SampleParseResult.Rejected(rejection.Reason,
                            $"no content-type header and the value does not start with '{{' (JSON), so it was read as protobuf: {rejection.Message}");
                }
            }
        }

        var invalid = Validate(sample!, key, origin);
        if (invalid is not null)
        {
            return SampleParseResult.Rejected(invalid);
        }

        return SampleParseResult.Accepted(new CanonicalSample
        {
            Sample = sample,
            // The record's array is never written to again, so wrapping it avoids copying the payload.
            OriginalPayload = UnsafeByteOperations.UnsafeWrap(value),
            ContentType = format == Format.Json ? ContentTypes.Json : ContentTypes.Protobuf,
            Origin = origin,
        });
    }

    /// <summary>The id a record without its own id gets from its origin: <c>{topic}-{partition}-{offset}</c>.</summary>
    public static string OriginId(Origin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return string.Create(CultureInfo.InvariantCulture, $"{origin.Topic}-{origin.Partition}-{origin.Offset}");
    }

    private Rejection? Validate(TrainingSample sample, ReadOnlySpan<byte> key, Origin origin)
    {
        if (sample.Id.Length == 0)
        {
            sample.Id = KeyAsId(key) ?? OriginId(origin);
        }
        else
        {
            var idError = CheckId(sample.Id);
            if (idError is not null)
            {
                return idError;
            }
        }

        if (sample.Label < 0 || sample.Label >= _schema.Classes)
        {
            return new Rejection(RejectReasons.LabelOutOfRange,
                $"label {sample.Label} is outside [0, {_schema.Classes}) (Schema:Classes = {_schema.Classes})");
        }

        var fieldError = CheckSource(sample.Source) ?? CheckAttributes(sample);
        if (fieldError is not null)
        {
            return fieldError;
        }

        var features = sample.Features;
        if (features.Count != _schema.Dimension)
        {
            return new Rejection(RejectReasons.WrongDimension,
                $"features has {features.Count} values; Schema:Dimension is {_schema.Dimension}");
        }

        for (var i = 0; i < features.Count; i++)
        {
            var feature = features[i];
            if (!float.IsFinite(feature))
            {
                return new Rejection(RejectReasons.NonFiniteFeature,
                    $"features[{i}] is {feature.ToString(CultureInfo.InvariantCulture)}; every feature must be a finite number");
            }
        }

        if (sample.HasHumanDifficulty && !double.IsFinite(sample.HumanDifficulty))
        {
            return new Rejection(RejectReasons.NonFiniteHumanDifficulty,
                $"human_difficulty is {sample.HumanDifficulty.ToString(CultureInfo.InvariantCulture)}; it must be a finite number");
        }

        return null;
    }

    private Rejection? CheckId(string id)
    {
        var bytes = Encoding.UTF8.GetByteCount(id);
        if (bytes > _schema.MaxIdLength)
        {
            return new Rejection(RejectReasons.IdTooLong,
                $"id '{Truncate(id)}' is {bytes} UTF-8 bytes; Schema:MaxIdLength is {_schema.MaxIdLength}");
        }

        var forbidden = SampleLimits.IndexOfForbiddenChar(id);
        if (forbidden >= 0)
        {
            return new Rejection(RejectReasons.InvalidId,
                $"id contains control or formatting character U+{(int)id[forbidden]:X4} at position {forbidden}: '{Truncate(Printable(id))}'");
        }

        if (id.AsSpan().Trim().IsEmpty)
        {
            return new Rejection(RejectReasons.InvalidId, "id is only whitespace");
        }

        return null;
    }

    private static Rejection? CheckSource(string source)
    {
        var bytes = Encoding.UTF8.GetByteCount(source);
        if (bytes > SampleLimits.MaxSourceBytes)
        {
            return new Rejection(RejectReasons.InvalidSource,
                $"source '{Truncate(Printable(source))}' is {bytes} UTF-8 bytes; the limit is {SampleLimits.MaxSourceBytes}");
        }

        var forbidden = SampleLimits.IndexOfForbiddenChar(source);
        return forbidden < 0
            ? null
            : new Rejection(RejectReasons.InvalidSource,
                $"source contains control or formatting character U+{(int)source[forbidden]:X4} at position {forbidden}: '{Truncate(Printable(source))}'");
    }

    private static Rejection? CheckAttributes(TrainingSample sample) =>
        sample.Attributes.Count > SampleLimits.MaxAttributes
            ? new Rejection(RejectReasons.TooManyAttributes,
                $"attributes has {sample.Attributes.Count} entries; the limit is {SampleLimits.MaxAttributes}")
            : null;

    private string? KeyAsId(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > _schema.MaxIdLength || !Utf8.IsValid(key))
        {
            return null;
        }

        var id = Encoding.UTF8.GetString(key);
        return CheckId(id) is null ? id : null;
    }

    private static string? MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
    }

    private static bool IsJson(string mediaType) => mediaType.Equals(ContentTypes.Json, StringComparison.OrdinalIgnoreCase);

    // application/protobuf is the IETF registration; x-protobuf and vnd.google.protobuf are what clients send in practice.
    private static bool IsProtobuf(string mediaType) =>
        mediaType.Equals(ContentTypes.Protobuf, StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/protobuf", StringComparison.OrdinalIgnoreCase)
        || mediaType.Equals("application/vnd.google.protobuf", StringComparison.OrdinalIgnoreCase);

    private static string Truncate(string text) => text.Length > MaxQuotedChars ? text[..MaxQuotedChars] + "…" : text;

    private static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(SampleLimits.IsForbiddenInText(c) ? '?' : c);
        }

        return builder.ToString();
    }
}
