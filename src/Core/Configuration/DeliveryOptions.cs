using System.ComponentModel.DataAnnotations;

namespace EasyHard.Core.Configuration;

/// <summary>
/// Delivery guarantee of the Kafka → Kafka hops (section <c>Delivery</c>).
/// <para><c>exactly_once</c> (default): each batch's output and its input offsets are committed in one Kafka
/// transaction (<c>SendOffsetsToTransaction</c>); downstream <c>read_committed</c> consumers never see the output of
/// a failed or fenced attempt. Costs one transaction commit per micro-batch (a few broker round trips) and makes
/// output visible only when the batch commits.</para>
/// <para><c>at_least_once</c>: produce, wait for every delivery report, then commit offsets. Slightly lower latency;
/// a crash between produce and commit re-delivers the batch, so downstream may see duplicates (SQL stays exact:
/// its upsert ignores a re-delivered record).</para>
/// </summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string SectionName = "Delivery";

    public const string ExactlyOnce = "exactly_once";

    public const string AtLeastOnce = "at_least_once";

    [Required(AllowEmptyStrings = false)] public string Guarantee { get; set; } = ExactlyOnce;

    /// <summary>
    /// Stable name of this instance, part of its transactional id (<c>easyhard-&lt;role&gt;-&lt;instance&gt;</c>):
    /// a restarted instance with the same name fences its predecessor's open transaction at start. Default: the
    /// host name (the pod name on Kubernetes). Instances running at the same time must have distinct names.
    /// </summary>
    public string? InstanceId { get; set; }

    /// <summary>How long a transaction may stay open before the coordinator aborts it (librdkafka <c>transaction.timeout.ms</c>).</summary>
    [Range(1_000, 900_000)] public int TransactionTimeoutMs { get; set; } = 60_000;

    /// <summary>
    /// How long a role may hold consumed input without committing any before <c>/health/live</c> fails, so that the
    /// orchestrator restarts it. Every batch is retried with backoff of at most 30 s, and a record that can never be
    /// produced is dead-lettered rather than retried; input that has not moved for this long means a failure that
    /// retrying does not cure. Default 5 minutes.
    /// </summary>
    [Range(10_000, 86_400_000)] public int StallTimeoutMs { get; set; } = 300_000;

    /// <summary>
    /// <c>auto</c> (default: on with librdkafka's mock cluster only), <c>on</c> or <c>off</c>. With exactly-once delivery,
    /// each transaction also writes its input offsets as records to <c>Topics:OffsetJournal</c>, and a member that is
    /// assigned a partition resumes from the journal. This is for clusters that accept <c>SendOffsetsToTransaction</c>
    /// but do not store it: librdkafka's mock cluster (the embedded default) answers TxnOffsetCommit without keeping
    /// the offsets (rdkafka_mock_handlers.c), so without the journal every restart would start from the beginning.
    /// <c>auto</c> recognises the mock whether it runs in this process or in <c>easyhard kafka</c> (reached by address),
    /// by the cluster id it reports (<see cref="Kafka.KafkaConnection.TryDetectMockCluster"/>). A real Kafka cluster
    /// stores transactional offsets, so <c>auto</c> leaves the journal off there and offsets can be reset with the
    /// usual tools.
    /// </summary>
    [Required(AllowEmptyStrings = false)] public string OffsetJournal { get; set; } = "auto";

    public bool IsExactlyOnce => string.Equals(Guarantee, ExactlyOnce, StringComparison.Ordinal);

    public string ResolvedInstanceId => string.IsNullOrWhiteSpace(InstanceId) ? Environment.MachineName : InstanceId;

    public bool UsesOffsetJournal(bool mockCluster) =>
        IsExactlyOnce && (OffsetJournal == "on" || (OffsetJournal == "auto" && mockCluster));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (OffsetJournal is not ("auto" or "on" or "off"))
        {
            yield return new ValidationResult($"Delivery:OffsetJournal must be 'auto', 'on' or 'off', not '{OffsetJournal}'.", [nameof(OffsetJournal)]);
        }

        if (Guarantee is not (ExactlyOnce or AtLeastOnce))
        {
            yield return new ValidationResult($"Delivery:Guarantee must be '{ExactlyOnce}' or '{AtLeastOnce}', not '{Guarantee}'.", [nameof(Guarantee)]);
        }
    }
}
