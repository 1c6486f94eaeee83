using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.V1;
using EasyHard.Core.Configuration;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Load;
using EasyHard.Scorer.Scoring;
using EasyHard.Scorer.State;
using EasyHard.Scorer.Sync;
using Google.Protobuf;

namespace EasyHard.Scorer;

/// <summary>
/// The scorer's functional core: scores the batch's valid samples as one prequential batch and returns one
/// <see cref="ScoredSample"/> per sample on the scored topic (key = UTF-8 sample id), in input order, each followed by
/// the sample's history record on the changelog when there is one (<see cref="HistoryChangelog"/>); then lets
/// <see cref="ModelSync"/> exchange models with the other scorer instances when one is due. The history of an input
/// partition comes from its changelog when the partition is assigned and goes when it is revoked.
/// </summary>
/// <param name="pace">Whether the trainers set the pace (then a full batch keeps full quality); null: no trainer groups are named.</param>
internal sealed class ScorerCore(ScoringEngine engine, TopicOptions topics, ModelSync? sync, HistoryChangelog? changelog, TrainerPace? pace = null)
    : IRecordProcessor<CanonicalSample>
{
    public Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<Accepted<CanonicalSample>> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // A full batch means the consumer has more input waiting: unless the trainers set the pace, the scorer is the
        // bottleneck and sheds work to keep up.
        var backlogged = ShedsWork(inputs.Count, engine.MaxBatchSize, pace);
        if (backlogged)
        {
            ScorerMetrics.SamplesUnderLoad.Inc(inputs.Count);
        }

        var scored = engine.Score([.. inputs.Select(i => i.Value)], null, backlogged);
        var history = changelog is null
            ? null
            : engine.ClaimHistory([.. inputs.Select(i => i.Value.Sample.Id)], [.. inputs.Select(i => i.Record.Partition.Value)]);
        var output = new List<OutgoingMessage>(scored.Count * (history is null ? 1 : 2));
        for (int k = 0; k < scored.Count; k++)
        {
            var result = scored[k];
            var id = result.Canonical.Sample.Id;
            output.Add(new OutgoingMessage(topics.Scored, Encoding.UTF8.GetBytes(id), result.ToByteArray()) { Source = inputs[k].Record });
            if (history?[k] is { } record)
            {
                output.Add(changelog!.Record(id, record, inputs[k].Record));
            }
        }

        sync?.AfterBatch();
        return Task.FromResult<IReadOnlyList<OutgoingMessage>>(output);
    }

    /// <summary>A batch consumed full sheds work (the under-load settings) unless the trainers set the pace.</summary>
    internal static bool ShedsWork(int batchCount, int maxBatchSize, TrainerPace? pace) => batchCount >= maxBatchSize && pace?.TrainersBehind != true;

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
            else if (changelog is not null && output.Topic == changelog.Topic)
            {
                StateMetrics.Written.Inc();
            }
        }
    }

    public void PartitionsAssigned(IReadOnlyList<TopicPartition> partitions)
    {
        if (changelog is null || partitions.Count == 0)
        {
            return;
        }

        var assigned = partitions.Select(p => p.Partition.Value).ToHashSet();
        engine.RestoreHistory(assigned, changelog.Read(assigned));
    }

    public void PartitionsRevoked(IReadOnlyCollection<TopicPartition> partitions)
    {
        if (changelog is not null && partitions.Count > 0)
        {
            StateMetrics.Dropped.Inc(engine.DropHistory(partitions.Select(p => p.Partition.Value).ToHashSet()));
        }
    }
}
