using Confluent.Kafka;
using EasyHard.Core.Kafka;

namespace EasyHard.Bench.Throughput;

/// <summary>A role that does no work: every consumed record is produced unchanged to the next topic.</summary>
public abstract class PassthroughProcessor(string outputTopic) : IBatchProcessor
{
    public Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<ConsumeResult<byte[], byte[]>> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var outputs = new OutgoingMessage[batch.Count];
        for (var i = 0; i < outputs.Length; i++)
        {
            var message = batch[i].Message;
            outputs[i] = new OutgoingMessage(outputTopic, message.Key, message.Value, message.Headers);
        }

        return Task.FromResult<IReadOnlyList<OutgoingMessage>>(outputs);
    }
}

/// <summary>Stands where Ingest stands: input → samples.</summary>
internal sealed class IngestPassthrough(string outputTopic) : PassthroughProcessor(outputTopic);

/// <summary>Stands where the Scorer stands: samples → scored.</summary>
internal sealed class ScorerPassthrough(string outputTopic) : PassthroughProcessor(outputTopic);

/// <summary>Stands where the Sink's trainer stream stands: scored → weighted.</summary>
internal sealed class SinkPassthrough(string outputTopic) : PassthroughProcessor(outputTopic);
