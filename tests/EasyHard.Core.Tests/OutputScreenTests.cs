using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts.Codecs;
using EasyHard.Contracts;
using EasyHard.Core.Hosting.Delivery;
using EasyHard.Core.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace EasyHard.Core.Tests;

public sealed class OutputScreenTests
{
    private const int MaxBytes = 100_000;

    private static OutputScreen Screen() => new(MaxBytes, "dlq", "ingest", NullLogger.Instance);

    private static ConsumeResult<byte[], byte[]> Input(long offset, int bytes = 100) => new()
    {
        Topic = "in",
        Partition = new Partition(0),
        Offset = new Offset(offset),
        Message = new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes($"id-{offset}"), Value = new byte[bytes] },
    };

    private static OutgoingMessage Output(ConsumeResult<byte[], byte[]> source, int bytes, string topic = "out") =>
        new(topic, source.Message.Key, new byte[bytes]) { Source = source };

    private static string Header(OutgoingMessage message, string name) => Encoding.UTF8.GetString(message.Headers!.GetLastBytes(name));

    [Fact]
    public void Apply_EverythingFits_ReturnsTheOutputsAsTheyAre()
    {
        IReadOnlyList<OutgoingMessage> outputs = [Output(Input(1), 10), Output(Input(2), 90_000)];

        Assert.Same(outputs, Screen().Apply(outputs));
    }

    [Fact]
    public void Apply_OutputAboveMessageMaxBytes_DeadLettersItsInput_AndTheRestOfTheBatchGoesOn()
    {
        var (first, big, last) = (Input(1), Input(2, bytes: 60_000), Input(3));
        var outputs = Screen().Apply([Output(first, 10), Output(big, 150_000), Output(big, 50, topic: "side"), Output(last, 10)]);

        Assert.Equal(["out", "dlq", "out"], outputs.Select(o => o.Topic));
        var dead = outputs[1];
        Assert.Same(big, dead.Source);
        Assert.Equal(RejectReasons.OutputTooLarge, dead.DeadLetterReason);
        Assert.Equal(RejectReasons.OutputTooLarge, Header(dead, HeaderNames.ErrorReason));
        Assert.Contains("Kafka:Producer:MessageMaxBytes", Header(dead, HeaderNames.Error), StringComparison.Ordinal);
        Assert.Equal(big.Message.Value, dead.Value);
    }

    [Fact]
    public void Apply_DeadLetterAboveMessageMaxBytes_IsCutToAPrefix()
    {
        var source = Input(5, bytes: 2 * 1024 * 1024);
        var letter = DeadLetters.Create("dlq", source, RejectReasons.Oversized, "too big");

        var dead = Assert.Single(Screen().Apply([letter]));

        Assert.True(RecordSize.Of(dead) <= MaxBytes);
        Assert.Equal("value", Header(dead, HeaderNames.Truncated));
        Assert.Equal((2 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(dead, HeaderNames.OriginalSize));
    }

    [Fact]
    public void Reject_OutputRefusedByTheBroker_DeadLettersItsInputOnTheNextAttempt()
    {
        var screen = Screen();
        var (ok, refused) = (Input(1), Input(2));
        IReadOnlyList<OutgoingMessage> outputs = [Output(ok, 10), Output(refused, 10)];

        Assert.True(screen.Reject([new RefusedOutput(outputs[1], new Error(ErrorCode.MsgSizeTooLarge))]));
        var again = screen.Apply(outputs);

        Assert.Equal(["out", "dlq"], again.Select(o => o.Topic));
        Assert.Equal(RejectReasons.Undeliverable, again[1].DeadLetterReason);
        Assert.Contains("MsgSizeTooLarge", Header(again[1], HeaderNames.Error), StringComparison.Ordinal);
    }

    [Fact]
    public void Reject_RefusedDeadLetter_IsCutToAPrefix_ThenGivesUp()
    {
        var screen = Screen();
        var source = Input(3, bytes: 50_000);
        var letter = DeadLetters.Create("dlq", source, RejectReasons.Oversized, "too big");

        Assert.True(screen.Reject([new RefusedOutput(letter, new Error(ErrorCode.MsgSizeTooLarge))]));
        var cut = Assert.Single(screen.Apply([letter]));
        Assert.Equal(DeadLetters.PrefixBytes > 50_000 ? 50_000 : DeadLetters.PrefixBytes, cut.Value.Length);
        Assert.Equal("value", Header(cut, HeaderNames.Truncated));
        Assert.Equal(RejectReasons.Oversized, cut.DeadLetterReason);

        // Nothing is left to cut: the failure is not one the screen can cure.
        Assert.False(screen.Reject([new RefusedOutput(cut, new Error(ErrorCode.MsgSizeTooLarge))]));
    }

    [Fact]
    public void Forget_CommittedInputs_AreNoLongerRejected()
    {
        var screen = Screen();
        var input = Input(4);
        var output = Output(input, 10);
        screen.Reject([new RefusedOutput(output, new Error(ErrorCode.InvalidRecord))]);

        screen.Forget([new TopicPartitionOffset("in", 0, 5)]);

        Assert.Equal("out", Assert.Single(screen.Apply([output])).Topic);
    }

    [Fact]
    public void IsPermanent_RecordErrors_AreNotRetried_ConnectionErrorsAre()
    {
        Assert.True(RefusedOutput.IsPermanent(ErrorCode.MsgSizeTooLarge));
        Assert.True(RefusedOutput.IsPermanent(ErrorCode.RecordListTooLarge));
        Assert.True(RefusedOutput.IsPermanent(ErrorCode.InvalidRecord));
        Assert.False(RefusedOutput.IsPermanent(ErrorCode.Local_MsgTimedOut));
        Assert.False(RefusedOutput.IsPermanent(ErrorCode.NotLeaderForPartition));
        Assert.False(RefusedOutput.IsPermanent(ErrorCode.Local_AllBrokersDown));
    }
}
