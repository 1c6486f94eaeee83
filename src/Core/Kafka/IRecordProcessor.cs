namespace EasyHard.Core.Kafka;

/// <summary>
/// The functional core of a role: the valid inputs of one micro-batch, in input order, to what to produce. Side
/// effects that must be durable before the input offsets are committed (SQL writes) happen inside
/// <see cref="ProcessAsync"/>; an exception means a transient failure and the shell retries the batch. Outputs name
/// their input as <see cref="OutgoingMessage.Source"/> and come in input order.
/// </summary>
public interface IRecordProcessor<TInput>
    where TInput : class
{
    Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<Accepted<TInput>> inputs, CancellationToken cancellationToken);

    /// <summary>As <see cref="IBatchProcessor.Committed"/>: the batch's outputs as sent, dead letters included, once it is committed.</summary>
    void Committed(IReadOnlyList<OutgoingMessage> outputs)
    {
    }

    /// <inheritdoc cref="IBatchProcessor.PartitionsAssigned"/>
    void PartitionsAssigned(IReadOnlyList<Confluent.Kafka.TopicPartition> partitions)
    {
    }

    /// <inheritdoc cref="IBatchProcessor.PartitionsRevoked"/>
    void PartitionsRevoked(IReadOnlyCollection<Confluent.Kafka.TopicPartition> partitions)
    {
    }
}
