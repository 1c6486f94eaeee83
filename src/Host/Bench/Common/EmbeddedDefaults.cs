namespace EasyHard.Host.Bench.Common;

/// <summary>
/// The benchmarks start librdkafka's mock cluster in-process but reach it by address (the Python baseline shares
/// it), so what <c>Kafka:BootstrapServers=embedded</c> adjusts by itself is not applied. These arguments restore it,
/// so that a benchmark measures what <c>easyhard run</c> does by default; later <c>--Section:Key=value</c>
/// arguments still override them.
/// </summary>
internal static class EmbeddedDefaults
{
    public static IReadOnlyList<string> Args { get; } =
    [
        // KafkaConnection: the mock holds an empty fetch for the whole fetch.wait.max.ms.
        "--Kafka:Consumer:FetchWaitMaxMs=10",
        // DeliveryOptions.UsesOffsetJournal: the mock does not store transactional offsets.
        "--Delivery:OffsetJournal=on",
    ];
}
