using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace EasyHard.Core.Tests;

/// <summary><c>Kafka:Common</c> carries raw librdkafka settings (security ones above all) to every kind of client.</summary>
public sealed class KafkaCommonSettingsTests
{
    [Fact]
    public void DottedLibrdkafkaNames_BindFromEnvironmentStyleKeys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Kafka:Common:security.protocol"] = "SASL_SSL",
            ["Kafka:Common:sasl.kerberos.service.name"] = "kafka",
        }).Build();

        var options = configuration.GetSection(KafkaOptions.SectionName).Get<KafkaOptions>()!;

        Assert.Equal("SASL_SSL", options.Common["security.protocol"]);
        Assert.Equal("kafka", options.Common["sasl.kerberos.service.name"]);
    }

    [Fact]
    public void EveryClientKind_ReceivesTheCommonSettings()
    {
        // librdkafka validates settings when a client is built: an invalid common value proves it reached each one.
        var options = new KafkaOptions { BootstrapServers = "127.0.0.1:1" };
        options.Common["security.protocol"] = "not-a-protocol";
        using var connection = new KafkaConnection(Options.Create(options), Options.Create(new TopicOptions()));

        Assert.Contains("security.protocol", Assert.ThrowsAny<Exception>(() => connection.CreateConsumer("g", "c").Dispose()).Message);
        Assert.Contains("security.protocol", Assert.ThrowsAny<Exception>(() => connection.CreateProducer("c").Dispose()).Message);
        Assert.Contains("security.protocol", Assert.ThrowsAny<Exception>(() => connection.CreateAdminClient().Dispose()).Message);
        Assert.Contains("security.protocol", Assert.ThrowsAny<Exception>(() => connection.CreateReader("g").Dispose()).Message);
    }

    [Fact]
    public void ClientSpecificSettings_WinOverCommonOnes()
    {
        var options = new KafkaOptions { BootstrapServers = "127.0.0.1:1" };
        options.Common["security.protocol"] = "not-a-protocol";
        options.Producer.SecurityProtocol = SecurityProtocol.Plaintext;
        using var connection = new KafkaConnection(Options.Create(options), Options.Create(new TopicOptions()));

        using var producer = connection.CreateProducer("c");
        Assert.NotNull(producer.Name);
    }
}
