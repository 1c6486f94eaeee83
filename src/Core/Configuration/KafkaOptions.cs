using System.ComponentModel.DataAnnotations;
using Confluent.Kafka;

namespace EasyHard.Core.Configuration;

/// <summary>
/// Kafka connection (section <c>Kafka</c>). <see cref="Consumer"/> and <see cref="Producer"/> bind straight
/// onto librdkafka's settings, so any client property can be set, e.g. <c>Kafka__Consumer__FetchMaxBytes</c>
/// or <c>Kafka__Producer__LingerMs</c>; security settings (SASL/SSL) go in both the same way.
/// </summary>
public sealed class KafkaOptions
{
    public const string SectionName = "Kafka";

    /// <summary><c>embedded</c> starts librdkafka's mock cluster in this process; otherwise host:port list.</summary>
    [Required(AllowEmptyStrings = false)] public string BootstrapServers { get; set; } = Embedded.EmbeddedKafkaCluster.Marker;

    /// <summary>Brokers of the embedded mock cluster.</summary>
    [Range(1, 9)] public int EmbeddedBrokers { get; set; } = 3;

    /// <summary>
    /// Raw librdkafka properties by their own names, applied to every client this process creates (consumers,
    /// producers, admin, the offset journal reader, <c>easyhard produce</c>) before the typed sections below, e.g.
    /// <c>Kafka__Common__security.protocol=SASL_SSL</c>, <c>Kafka__Common__sasl.mechanism=SCRAM-SHA-512</c>: the place
    /// for security settings, given once for all clients.
    /// </summary>
    public Dictionary<string, string> Common { get; set; } = new(StringComparer.Ordinal);

    public ConsumerConfig Consumer { get; set; } = new();

    public ProducerConfig Producer { get; set; } = new();

    /// <summary>
    /// EasyHard's producers send records up to 2 MiB unless <c>Kafka:Producer:MessageMaxBytes</c> says otherwise
    /// (librdkafka's own default is 1,000,000). The outputs of a record of <c>Schema:MaxRecordBytes</c> (1 MiB by
    /// default) carry its original bytes and more (see <see cref="SampleSchemaOptions.OutputOverheadBytes"/>), so
    /// librdkafka's default could not forward every record the schema accepts. A real cluster must take as much on
    /// EasyHard's topics: set their <c>max.message.bytes</c> (and the brokers' <c>replica.fetch.max.bytes</c>) to at
    /// least this; a record a topic refuses is dead-lettered, cut to a prefix where needed.
    /// </summary>
    public const int DefaultProducerMessageMaxBytes = 2 * 1024 * 1024;

    /// <summary>The <c>message.max.bytes</c> EasyHard's producers run with (Kafka:Producer, else Kafka:Common, else the default above).</summary>
    public int ProducerMessageMaxBytes => Producer.MessageMaxBytes
        ?? (Common.TryGetValue("message.max.bytes", out var common)
            && int.TryParse(common, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes)
                ? bytes
                : DefaultProducerMessageMaxBytes);

    public bool IsEmbedded => string.Equals(BootstrapServers, Embedded.EmbeddedKafkaCluster.Marker, StringComparison.OrdinalIgnoreCase);
}
