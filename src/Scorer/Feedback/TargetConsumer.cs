using EasyHard.Contracts.Codecs;
using EasyHard.Core.Configuration;
using EasyHard.Contracts.V1;
using EasyHard.Scorer.Scoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer.Feedback;

/// <summary>
/// Reads influence target samples from <c>Topics:Targets</c> (when configured) into <see cref="TargetBuffer"/>. A record
/// is a <c>TrainingSample</c> in JSON or protobuf, like the input topic; one with the wrong dimension, a label out of
/// range or a non-finite feature is rejected and counted.
/// </summary>
public sealed class TargetConsumer(IServiceProvider services, TargetBuffer buffer, IOptions<TopicOptions> topics, IOptions<ScorerOptions> options, IOptions<SampleSchemaOptions> schema, ILogger<TargetConsumer> logger)
    : TopicReader(services, logger)
{
    protected override string? Topic => topics.Value.Targets;

    protected override string GroupPrefix => $"{options.Value.GroupId}-targets";

    protected override bool Apply(byte[]? value)
    {
        bool ok = TryParse(value, out var sample)
            && sample.Label < schema.Value.Classes
            && buffer.Add(sample.Features.ToArray(), sample.Label);
        (ok ? ScorerMetrics.TargetApplied : ScorerMetrics.TargetRejected).Inc();
        return ok;
    }

    private static bool TryParse(byte[]? value, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TrainingSample? sample)
    {
        sample = null;
        if (value is null || value.Length == 0)
        {
            return false;
        }

        bool parsed = value[0] == (byte)'{'
            ? SampleJsonCodec.TryParse(value, out sample, out _)
            : SampleProtobufCodec.TryParse(value, out sample, out _);
        return parsed && sample is not null && sample.Label >= 0;
    }
}
