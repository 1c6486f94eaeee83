using System.Text;
using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Scoring;
using EasyHard.Scorer.Sync;
using Google.Protobuf;

namespace EasyHard.Scorer;

/// <summary>
/// The scorer's functional core: scores the batch's valid samples as one prequential batch and returns one
/// <see cref="ScoredSample"/> per sample on the scored topic (key = UTF-8 sample id), in input order.
/// </summary>
internal sealed class ScorerCore(ScoringEngine engine, TopicOptions topics, ModelSync? sync) : IRecordProcessor<CanonicalSample>
{
    public Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<Accepted<CanonicalSample>> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // A full batch means the consumer has more input waiting: the scorer is the bottleneck, so it rehearses less.
        var scored = engine.Score([.. inputs.Select(i => i.Value)], null, backlogged: inputs.Count >= engine.MaxBatchSize);
        var output = new OutgoingMessage[scored.Count];
        for (int k = 0; k < scored.Count; k++)
        {
            var result = scored[k];
            output[k] = new OutgoingMessage(topics.Scored, Encoding.UTF8.GetBytes(result.Canonical.Sample.Id), result.ToByteArray()) { Source = inputs[k].Record };
        }

        sync?.AfterBatch();
        return Task.FromResult<IReadOnlyList<OutgoingMessage>>(output);
    }

    /// <summary>Counts the dead letters of a committed batch once each, whoever made them (the decoder or the shell).</summary>
    public void Committed(IReadOnlyList<OutgoingMessage> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var output in outputs)
        {
            if (output.DeadLetterReason is { } reason)
            {
                ScorerMetrics.DeadLetter(reason).Inc();
            }
        }
    }
}
