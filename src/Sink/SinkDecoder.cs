using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;
using Google.Protobuf;

namespace EasyHard.Sink;

/// <summary>
/// Reads a <see cref="ScoredSample"/> record and checks it can be stored and handed to trainers: complete, text SQL
/// can hold, finite scores. A record without an origin takes its own position as one, so the upsert stays idempotent.
/// </summary>
internal sealed class SinkDecoder : IRecordDecoder<ScoredSample>
{
    /// <summary>Parses and checks one record; every way it can be unusable has a reason code, none throws.</summary>
    public Decoded<ScoredSample> Decode(ConsumeResult<byte[], byte[]> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ScoredSample parsed;
        try
        {
            parsed = ScoredSample.Parser.ParseFrom(record.Message?.Value ?? []);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Decoded<ScoredSample>.Reject(RejectReasons.Unparsable, "Value is not an easyhard.v1.ScoredSample protobuf: " + e.Message);
        }

        var sample = parsed.Canonical?.Sample;
        if (sample is null || string.IsNullOrEmpty(sample.Id) || parsed.Scores is null)
        {
            return Decoded<ScoredSample>.Reject(RejectReasons.Incomplete, "ScoredSample lacks canonical.sample, its id, or scores.");
        }

        if (sample.Id.Contains('\0', StringComparison.Ordinal)
            || sample.Source.Contains('\0', StringComparison.Ordinal)
            || (parsed.Canonical!.Origin?.Topic.Contains('\0', StringComparison.Ordinal) ?? false))
        {
            return Decoded<ScoredSample>.Reject(RejectReasons.InvalidText, "Id, source or origin topic contains U+0000, which SQL text cannot store.");
        }

        var s = parsed.Scores;
        if (!float.IsFinite(parsed.Weight) || !float.IsFinite(s.Loss) || !float.IsFinite(s.SelfConfidence)
            || !float.IsFinite(s.Margin) || !float.IsFinite(s.El2N) || !float.IsFinite(s.GradNorm)
            || !float.IsFinite(s.Influence) || !float.IsFinite(s.Difficulty) || !float.IsFinite(s.Noise)
            || !float.IsFinite(s.Disagreement) || (sample.HasHumanDifficulty && !double.IsFinite(sample.HumanDifficulty)))
        {
            return Decoded<ScoredSample>.Reject(RejectReasons.NonFiniteScore, $"Sample '{sample.Id}' has a NaN or infinite weight or score.");
        }

        // The origin makes the upsert idempotent. Ingest always sets it; should a producer of easyhard.scored not,
        // this record's own position is an equally unique exposure identity.
        parsed.Canonical.Origin ??= new Origin
        {
            Topic = record.Topic,
            Partition = record.Partition.Value,
            Offset = record.Offset.Value,
            TimestampUnixMs = record.Message?.Timestamp.UnixTimestampMs ?? 0,
        };
        return Decoded<ScoredSample>.Accept(parsed);
    }
}
