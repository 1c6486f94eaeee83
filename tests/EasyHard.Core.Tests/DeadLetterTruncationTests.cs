using System.Security.Cryptography;
using System.Text;
using Confluent.Kafka;
using EasyHard.Contracts;
using EasyHard.Core.Kafka;

namespace EasyHard.Core.Tests;

public sealed class DeadLetterTruncationTests
{
    private static ConsumeResult<byte[], byte[]> Source(int bytes, byte[]? key = null) => new()
    {
        Topic = "training-samples",
        Partition = new Partition(1),
        Offset = new Offset(7),
        Message = new Message<byte[], byte[]> { Key = key ?? "s-1"u8.ToArray(), Value = Enumerable.Range(0, bytes).Select(i => (byte)i).ToArray() },
    };

    private static string Header(OutgoingMessage message, string name) => Encoding.UTF8.GetString(message.Headers!.GetLastBytes(name));

    [Fact]
    public void FitTo_OriginalThatFits_IsKeptWhole()
    {
        var letter = DeadLetters.Create("dlq", Source(10_000), "oversized", "too big");

        Assert.Same(letter, DeadLetters.FitTo(letter, 1_000_000));
        Assert.False(letter.Headers!.TryGetLastBytes(HeaderNames.Truncated, out _));
    }

    [Fact]
    public void FitTo_TwoMiBOriginal_KeepsPrefixSizeAndSha256_AndFits()
    {
        var source = Source(2 * 1024 * 1024);
        var letter = DeadLetters.Create("dlq", source, "oversized", "2 MiB is above Schema:MaxRecordBytes");

        var cut = DeadLetters.FitTo(letter, 1_000_000);

        Assert.True(RecordSize.Of(cut) <= 1_000_000);
        Assert.Equal(DeadLetters.PrefixBytes, cut.Value.Length);
        Assert.Equal(source.Message.Value[..DeadLetters.PrefixBytes], cut.Value);
        Assert.Equal((2 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(cut, HeaderNames.OriginalSize));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(source.Message.Value)), Header(cut, HeaderNames.OriginalSha256));
        Assert.Equal("value", Header(cut, HeaderNames.Truncated));
        // Still a dead letter of that record, with its reason and provenance.
        Assert.Equal("oversized", Header(cut, HeaderNames.ErrorReason));
        Assert.Equal("7", Header(cut, HeaderNames.SourceOffset));
        Assert.Equal("oversized", cut.DeadLetterReason);
        Assert.Same(source, cut.Source);
        Assert.Equal("s-1", Encoding.UTF8.GetString(cut.Key!));
    }

    [Fact]
    public void Truncate_SmallLimit_ShortensThePrefixToFit()
    {
        var letter = DeadLetters.Create("dlq", Source(200_000), "oversized", "too big");

        var cut = DeadLetters.Truncate(letter, 20_000);

        Assert.True(RecordSize.Of(cut) <= 20_000);
        Assert.InRange(cut.Value.Length, 10_000, 20_000);
    }

    [Fact]
    public void Truncate_HugeKey_CutsTheKeyToo()
    {
        var letter = DeadLetters.Create("dlq", Source(100, key: new byte[100_000]), "oversized", "too big");

        var cut = DeadLetters.Truncate(letter);

        Assert.Equal(DeadLetters.KeyPrefixBytes, cut.Key!.Length);
        Assert.Equal("key,value", Header(cut, HeaderNames.Truncated));
        Assert.Equal(100, cut.Value.Length);
    }

    [Fact]
    public void RecordSize_CountsKeyValueHeadersAndFraming()
    {
        var headers = new Headers { { "h", new byte[] { 1, 2, 3 } } };

        Assert.Equal(RecordSize.Framing + 5 + 100 + 10 + 1 + 3, RecordSize.Of(new OutgoingMessage("t", new byte[5], new byte[100], headers)));
    }
}
