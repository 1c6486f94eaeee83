using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts;
using EasyHard.Contracts.Codecs;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EasyHard.Core.Tests;

/// <summary>The shell decodes and dead-letters; a role's core sees only valid, typed inputs and its outputs keep input order.</summary>
public sealed class DecodingStageTests
{
    private static ConsumeResult<byte[], byte[]> Record(string value, long offset) => new()
    {
        TopicPartitionOffset = new TopicPartitionOffset("in", 0, offset),
        Message = new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(value) },
    };

    [Fact]
    public async Task ProcessAsync_CoreSeesOnlyDecodedInputs_AndDeadLettersKeepTheirPlaceInInputOrder()
    {
        var core = new EchoCore(skip: "skip");
        var stage = new Stage(core);
        var batch = new[] { Record("a", 0), Record("bad", 1), Record("skip", 2), Record("b", 3), Record("bad", 4) };

        var outputs = await stage.ProcessAsync(batch, CancellationToken.None);

        Assert.Equal(["A", "B"], core.Seen);
        Assert.Equal(["out:A", "dlq:bad", "out:B", "dlq:bad"], outputs.Select(o => $"{o.Topic}:{Encoding.UTF8.GetString(o.Value)}"));
        Assert.Equal([0L, 1L, 3L, 4L], outputs.Select(o => o.Source!.Offset.Value));
        Assert.All(outputs.Where(o => o.Topic == "dlq"), o => Assert.Equal("empty_payload", o.DeadLetterReason));
        Assert.Equal("bad is not upper-case-able", Encoding.UTF8.GetString(outputs[1].Headers!.GetLastBytes(HeaderNames.Error)));
    }

    [Fact]
    public async Task ProcessAsync_DecoderThrows_TheRecordIsDeadLetteredAsParserError_AndTheRestGoOn()
    {
        var core = new EchoCore();
        var stage = new Stage(core);

        var outputs = await stage.ProcessAsync([Record("a", 0), Record("throw", 1), Record("b", 2)], CancellationToken.None);

        Assert.Equal(["out", "dlq", "out"], outputs.Select(o => o.Topic));
        Assert.Equal(RejectReasons.ParserError, outputs[1].DeadLetterReason);
        Assert.Contains("InvalidOperationException: defect", Encoding.UTF8.GetString(outputs[1].Headers!.GetLastBytes(HeaderNames.Error)), StringComparison.Ordinal);
        Assert.Equal(["A", "B"], core.Seen);
    }

    [Fact]
    public async Task ProcessAsync_NothingValid_TheCoreIsNotCalled_AndCommittedReachesIt()
    {
        var core = new EchoCore();
        var stage = new Stage(core);

        var outputs = await stage.ProcessAsync([Record("bad", 0)], CancellationToken.None);
        stage.Committed(outputs);

        Assert.Equal(0, core.Calls);
        Assert.Same(outputs, core.CommittedOutputs);
    }

    /// <summary>Upper-cases values; "bad" is rejected, "throw" makes the decoder throw as a defect would.</summary>
    private sealed class UpperDecoder : IRecordDecoder<string>
    {
        public Decoded<string> Decode(ConsumeResult<byte[], byte[]> record)
        {
            var text = Encoding.UTF8.GetString(record.Message.Value);
            return text switch
            {
                "bad" => Decoded<string>.Reject(RejectReasons.EmptyPayload, "bad is not upper-case-able"),
                "throw" => throw new InvalidOperationException("defect"),
                _ => Decoded<string>.Accept(text.ToUpperInvariant()),
            };
        }
    }

    /// <summary>Emits each input to "out" (none for <paramref name="skip"/>, as the Sink emits nothing when the trainer stream is off).</summary>
    private sealed class EchoCore(string? skip = null) : IRecordProcessor<string>
    {
        public List<string> Seen { get; } = [];

        public int Calls { get; private set; }

        public IReadOnlyList<OutgoingMessage>? CommittedOutputs { get; private set; }

        public Task<IReadOnlyList<OutgoingMessage>> ProcessAsync(IReadOnlyList<Accepted<string>> inputs, CancellationToken cancellationToken)
        {
            Calls++;
            var emitted = inputs.Where(i => !string.Equals(i.Value, skip?.ToUpperInvariant(), StringComparison.Ordinal)).ToList();
            Seen.AddRange(emitted.Select(i => i.Value));
            return Task.FromResult<IReadOnlyList<OutgoingMessage>>(
                [.. emitted.Select(i => new OutgoingMessage("out", [], Encoding.UTF8.GetBytes(i.Value)) { Source = i.Record })]);
        }

        public void Committed(IReadOnlyList<OutgoingMessage> outputs) => CommittedOutputs = outputs;
    }

    private sealed class Stage(EchoCore core) : DecodingStage<string>(new UpperDecoder(), core, "dlq", LogLevel.Debug, NullLogger.Instance);
}
