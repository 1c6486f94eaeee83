using EasyHard.Core.Configuration;
using Microsoft.Extensions.Options;

namespace EasyHard.Core.Tests;

public sealed class RecordLimitsValidatorTests
{
    private static ValidateOptionsResult Validate(KafkaOptions kafka, SampleSchemaOptions? schema = null) =>
        new RecordLimitsValidator(Options.Create(schema ?? new SampleSchemaOptions())).Validate(null, kafka);

    [Fact]
    public void Defaults_PassTheCheck()
    {
        var kafka = new KafkaOptions();

        Assert.True(Validate(kafka).Succeeded);
        Assert.Equal(KafkaOptions.DefaultProducerMessageMaxBytes, kafka.ProducerMessageMaxBytes);
    }

    [Fact]
    public void LibrdkafkaDefault_BelowMaxRecordBytesPlusOverhead_FailsNamingBothKeys()
    {
        var kafka = new KafkaOptions { Producer = { MessageMaxBytes = 1_000_000 } };

        var result = Validate(kafka);

        Assert.True(result.Failed);
        Assert.Contains("Kafka:Producer:MessageMaxBytes", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Schema:MaxRecordBytes (1048576)", result.FailureMessage, StringComparison.Ordinal);
        var needed = (1024 * 1024) + new SampleSchemaOptions().OutputOverheadBytes;
        Assert.Contains($"at least {needed}", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void LowerMaxRecordBytes_FitsLibrdkafkaDefault()
    {
        var kafka = new KafkaOptions { Producer = { MessageMaxBytes = 1_000_000 } };

        Assert.True(Validate(kafka, new SampleSchemaOptions { MaxRecordBytes = 900_000 }).Succeeded);
    }

    [Fact]
    public void CommonSetting_IsTheProducersLimitToo()
    {
        var kafka = new KafkaOptions();
        kafka.Common["message.max.bytes"] = "1000000";

        Assert.Equal(1_000_000, kafka.ProducerMessageMaxBytes);
        Assert.True(Validate(kafka).Failed);
    }
}
