using System.Text;
using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using Google.Protobuf;

namespace EasyHard.Ingest;

/// <summary>
/// Ingest's functional core: each valid canonical sample becomes a protobuf record on <see cref="TopicOptions.Samples"/>
/// keyed by its id, in input order.
/// <para>Duplicate ids are not bad input. Two records with the same sample id, in one batch or in different ones,
/// are both forwarded, in order, each with its own origin: a sample seen again (a later epoch, a re-labelled copy)
/// is a new exposure, which the Sink's upsert by id counts in <c>exposures</c>, and the Scorer must see every
/// exposure the trainer sees. Dropping the second one here would undercount exposures and hide re-labels; true
/// duplicates of one record (the same topic/partition/offset delivered twice) are made harmless downstream, where
/// the upsert ignores an exposure it already holds.</para>
/// </summary>
internal sealed class IngestCore(TopicOptions topics) : IRecordProcessor<CanonicalSample>
{
    public Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<Accepted<CanonicalSample>> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var output = new OutgoingMessage[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            var (canonical, record) = inputs[i];
            output[i] = new OutgoingMessage(topics.Samples, Encoding.UTF8.GetBytes(canonical.Sample.Id), canonical.ToByteArray()) { Source = record };
        }

        return Task.FromResult<IReadOnlyList<OutgoingMessage>>(output);
    }

    /// <summary>
    /// Counts each record of a committed batch once: its size, and whether it was accepted or dead-lettered (by the
    /// decoder, or by the shell when its canonical sample could not be produced). A retried batch is not counted again.
    /// </summary>
    public void Committed(IReadOnlyList<OutgoingMessage> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var output in outputs)
        {
            if (output.Source is { } source)
            {
                IngestMetrics.RecordBytes.Observe(source.Message.Value?.Length ?? 0);
            }

            if (output.DeadLetterReason is { } reason)
            {
                IngestMetrics.DeadLetteredFor(reason).Inc();
            }
            else if (string.Equals(output.Topic, topics.Samples, StringComparison.Ordinal))
            {
                IngestMetrics.RecordsAccepted.Inc();
            }
        }
    }
}
