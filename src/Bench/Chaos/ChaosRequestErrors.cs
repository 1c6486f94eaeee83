using Confluent.Kafka;

namespace EasyHard.Bench.Chaos;

/// <summary>
/// The retriable errors the nemesis pushes onto a Kafka API's next requests: what a broker answers while a leader
/// moves, a replica lags or a coordinator loads (the same set as the fault suite's request-error scenario).
/// </summary>
public static class ChaosRequestErrors
{
    // Kafka protocol API keys (https://kafka.apache.org/protocol#protocol_api_keys).
    private static readonly (string Api, short Key, ErrorCode[] Errors)[] Table =
    [
        ("produce", 0, [ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotEnoughReplicas]),
        ("fetch", 1, [ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut]),
        ("add-partitions-to-txn", 24, [ErrorCode.ConcurrentTransactions, ErrorCode.GroupCoordinatorNotAvailable]),
        ("add-offsets-to-txn", 25, [ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.NotCoordinatorForGroup]),
        ("end-txn", 26, [ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.NotCoordinatorForGroup]),
        ("txn-offset-commit", 28, [ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.GroupLoadInProgress]),
    ];

    public static IReadOnlyList<string> Apis { get; } = [.. Table.Select(t => t.Api)];

    public static (short ApiKey, ErrorCode[] Errors) Of(string api) =>
        Table.Where(t => t.Api == api).Select(t => (t.Key, t.Errors)).Single();
}
