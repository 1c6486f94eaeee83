using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Scoring;
using Google.Protobuf;

namespace EasyHard.Scorer;

/// <summary>Reads a <see cref="CanonicalSample"/> record and checks that the engine can score it (its dimension, label range, finite features).</summary>
internal sealed class ScorerDecoder(ScoringEngine engine) : IRecordDecoder<CanonicalSample>
{
    public Decoded<CanonicalSample> Decode(ConsumeResult<byte[], byte[]> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var value = record.Message?.Value;
        if (value is null || value.Length == 0)
        {
            return Decoded<CanonicalSample>.Reject(RejectReasons.EmptyPayload, "Record value is empty; expected a protobuf easyhard.v1.CanonicalSample.");
        }

        CanonicalSample sample;
        try
        {
            sample = CanonicalSample.Parser.ParseFrom(value);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Decoded<CanonicalSample>.Reject(RejectReasons.Unparsable, $"Record value is not a protobuf easyhard.v1.CanonicalSample: {e.Message}");
        }

        var reason = engine.Validate(sample.Sample);
        return reason switch
        {
            null => Decoded<CanonicalSample>.Accept(sample),
            RejectReasons.WrongDimension => Decoded<CanonicalSample>.Reject(reason, $"Sample has {sample.Sample.Features.Count} features; the scorer expects {engine.Dimension}."),
            RejectReasons.LabelOutOfRange => Decoded<CanonicalSample>.Reject(reason, $"Label {sample.Sample.Label} is outside [0, {engine.Classes})."),
            RejectReasons.MissingSample => Decoded<CanonicalSample>.Reject(reason, "CanonicalSample carries no sample."),
            RejectReasons.MissingId => Decoded<CanonicalSample>.Reject(reason, "Sample has no id."),
            _ => Decoded<CanonicalSample>.Reject(reason, "Sample has a NaN or infinite feature."),
        };
    }
}
