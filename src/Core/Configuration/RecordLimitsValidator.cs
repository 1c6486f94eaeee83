using Microsoft.Extensions.Options;

namespace EasyHard.Core.Configuration;

/// <summary>
/// Checks at start that every record the schema accepts can be forwarded: <c>Schema:MaxRecordBytes</c> plus the
/// overhead of EasyHard's outputs must fit in the producer's <c>message.max.bytes</c>. Otherwise a valid record near
/// the input limit would be refused by the producer; the shell would then dead-letter it, which is safe but is a
/// configuration mistake better named at start, with both keys.
/// </summary>
public sealed class RecordLimitsValidator(IOptions<SampleSchemaOptions> schema) : IValidateOptions<KafkaOptions>
{
    public ValidateOptionsResult Validate(string? name, KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = schema.Value;
        var needed = limits.MaxRecordBytes + limits.OutputOverheadBytes;
        var producer = options.ProducerMessageMaxBytes;
        return producer >= needed
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"Kafka:Producer:MessageMaxBytes (message.max.bytes) is {producer}, below Schema:MaxRecordBytes ({limits.MaxRecordBytes}) "
                + $"plus the overhead of EasyHard's outputs ({limits.OutputOverheadBytes} bytes with Schema:Dimension {limits.Dimension} "
                + $"and Schema:MaxIdLength {limits.MaxIdLength}): a valid record of that size could not be forwarded. Set "
                + $"Kafka:Producer:MessageMaxBytes to at least {needed} (and the topics' max.message.bytes to match), or lower Schema:MaxRecordBytes.");
    }
}
