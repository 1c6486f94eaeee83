using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using EasyHard.Contracts.V1;
using Google.Protobuf;

namespace EasyHard.Contracts.Codecs;

/// <summary>
/// Reads and writes the protobuf form of a <see cref="TrainingSample"/>.
/// Before parsing, one cheap pass over the top-level tags checks that every known field has its declared wire
/// type and that at least one known field is present: the protobuf runtime would otherwise file mismatched fields
/// under "unknown fields" and accept almost any random bytes as an empty sample.
/// Proto3 does not put default values on the wire, so an absent <c>label</c> means class 0 and an absent
/// <c>id</c> means "no id" (the caller derives one); missing labels can only be detected in the JSON form.
/// </summary>
public static class SampleProtobufCodec
{
    /// <summary>Parses a protobuf <c>easyhard.v1.TrainingSample</c>.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> payload, [NotNullWhen(true)] out TrainingSample? sample, [NotNullWhen(false)] out Rejection? rejection)
    {
        sample = null;
        if (!MemoryMarshal.TryGetArray(payload, out var segment))
        {
            segment = new ArraySegment<byte>(payload.ToArray());
        }

        try
        {
            rejection = CheckWireShape(segment);
            if (rejection is not null)
            {
                return false;
            }

            sample = TrainingSample.Parser.ParseFrom(payload.Span);
            return true;
        }
        catch (InvalidProtocolBufferException e)
        {
            rejection = new Rejection(RejectReasons.UnparsableProtobuf, $"not a protobuf TrainingSample: {e.Message}");
            return false;
        }
        catch (DecoderFallbackException e)
        {
            rejection = new Rejection(RejectReasons.InvalidUtf8, $"a protobuf string field is not valid UTF-8: {e.Message}");
            return false;
        }
    }

    /// <summary>Writes a sample as protobuf bytes (the producer's format).</summary>
    public static byte[] Write(TrainingSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.ToByteArray();
    }

    /// <summary>A map entry is a message with string key (1) and string value (2).</summary>
    private static bool AttributeEntryIsUtf8(ByteString entry)
    {
        var input = new CodedInputStream(entry.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited && WireFormat.GetTagFieldNumber(tag) is 1 or 2)
            {
                if (!Utf8.IsValid(input.ReadBytes().Span))
                {
                    return false;
                }
            }
            else
            {
                input.SkipLastField();
            }
        }

        return true;
    }

    private static Rejection? CheckWireShape(ArraySegment<byte> segment)
    {
        var input = new CodedInputStream(segment.Array!, segment.Offset, segment.Count);
        var known = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            var wireType = WireFormat.GetTagWireType(tag);
            var expected = number switch
            {
                TrainingSample.IdFieldNumber or TrainingSample.SourceFieldNumber or TrainingSample.AttributesFieldNumber => WireFormat.WireType.LengthDelimited,
                TrainingSample.LabelFieldNumber => WireFormat.WireType.Varint,
                TrainingSample.HumanDifficultyFieldNumber => WireFormat.WireType.Fixed64,
                // repeated float: packed (length-delimited) by default, one fixed32 per value when unpacked.
                TrainingSample.FeaturesFieldNumber => wireType == WireFormat.WireType.Fixed32 ? WireFormat.WireType.Fixed32 : WireFormat.WireType.LengthDelimited,
                _ => wireType,
            };
            if (wireType != expected)
            {
                return new Rejection(RejectReasons.UnparsableProtobuf,
                    $"not a protobuf TrainingSample: field {number} has wire type {wireType}, expected {expected} (at byte {input.Position})");
            }

            if (number <= TrainingSample.AttributesFieldNumber)
            {
                known++;
            }

            // The runtime rejects bad UTF-8 in string fields with the same exception as any malformed input;
            // checking here gives it its own reason (the payload is protobuf, a producer wrote bytes as a string).
            if (number is TrainingSample.IdFieldNumber or TrainingSample.SourceFieldNumber or TrainingSample.AttributesFieldNumber)
            {
                var bytes = input.ReadBytes();
                var valid = number == TrainingSample.AttributesFieldNumber ? AttributeEntryIsUtf8(bytes) : Utf8.IsValid(bytes.Span);
                if (!valid)
                {
                    var name = number switch
                    {
                        TrainingSample.IdFieldNumber => "id",
                        TrainingSample.SourceFieldNumber => "source",
                        _ => "an attributes entry",
                    };
                    return new Rejection(RejectReasons.InvalidUtf8, $"protobuf string field {name} is not valid UTF-8");
                }

                continue;
            }

            input.SkipLastField();
        }

        return known == 0
            ? new Rejection(RejectReasons.UnparsableProtobuf, $"not a protobuf TrainingSample: none of its fields (1-6) is present in {segment.Count} bytes")
            : null;
    }
}
