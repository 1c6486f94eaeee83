using System.Text;
using Confluent.Kafka;
using EasyHard.Core.Configuration;
using EasyHard.Contracts;
using EasyHard.Contracts.V1;
using EasyHard.Core.Kafka;
using EasyHard.Scorer.Scoring;
using Google.Protobuf;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EasyHard.Scorer.Tests;

public sealed class ProcessorTests
{
    [Fact]
    public async Task Process_BadRecords_GoToDeadLetterWithReason_ValidOnesScoredInOrder()
    {
        var (samples, _) = TestData.Clusters(2, 16, 4, 0.0, seed: 9);
        var wrongDimension = new CanonicalSample { Sample = new TrainingSample { Id = "short", Label = 1, Features = { 1f, 2f } } };
        var badLabel = samples[1].Clone();
        badLabel.Sample.Label = 7;
        var values = new[]
        {
            samples[0].ToByteArray(),
            new byte[] { 0x0A, 0xFF },
            wrongDimension.ToByteArray(),
            badLabel.ToByteArray(),
            samples[1].ToByteArray(),
        };
        var batch = values.Select((v, i) => new ConsumeResult<byte[], byte[]>
        {
            Topic = "easyhard.samples",
            Partition = 0,
            Offset = i,
            Message = new Message<byte[], byte[]> { Key = null!, Value = v },
        }).ToList();
        var topics = new TopicOptions();
        using var engine = new ScoringEngine(TestData.Options(TestData.TempCheckpoint()), 16, 4);
        var processor = new ScorerBatchProcessor(engine, Options.Create(topics), NullLogger<ScorerBatchProcessor>.Instance);

        var output = await processor.ProcessAsync(batch, CancellationToken.None);

        Assert.Equal(5, output.Count);
        Assert.Equal([topics.Scored, topics.DeadLetter, topics.DeadLetter, topics.DeadLetter, topics.Scored], output.Select(o => o.Topic));
        Assert.Equal("s-0", Encoding.UTF8.GetString(output[0].Key!));
        Assert.Equal("s-1", ScoredSample.Parser.ParseFrom(output[4].Value).Canonical.Sample.Id);
        string Reason(OutgoingMessage m) => Encoding.UTF8.GetString(m.Headers!.GetLastBytes(HeaderNames.ErrorReason));
        Assert.Equal("unparsable", Reason(output[1]));
        Assert.Equal("wrong_dimension", Reason(output[2]));
        Assert.Equal("label_out_of_range", Reason(output[3]));
        Assert.Equal(values[2], output[2].Value);
        Assert.Equal(batch, output.Select(o => o.Source));

        // Dead letters are counted when the batch commits, once, not on each processing attempt.
        var wrong = ScorerMetrics.DeadLetter("wrong_dimension").Value;
        await processor.ProcessAsync(batch, CancellationToken.None);
        Assert.Equal(wrong, ScorerMetrics.DeadLetter("wrong_dimension").Value);
        processor.Committed(output);
        Assert.Equal(wrong + 1, ScorerMetrics.DeadLetter("wrong_dimension").Value);
    }
}
